import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, lockHolder, tryLock, withLock } from '../../src/util/fileLock.js';

const root = mkdtempSync(join(tmpdir(), 'balms-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid that ran and exited (no longer alive). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('file locks', () => {
  it('one holder at a time: a second tryLock fails while held, succeeds after release', () => {
    const p = join(root, 'a', 'x.lock');
    const l = tryLock(p)!;
    expect(l).not.toBeNull();
    expect(JSON.parse(readFileSync(p, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), token: l.owner.token });
    expect(tryLock(p)).toBeNull(); // not re-entrant, even in the same process
    expect(lockHolder(p)?.token).toBe(l.owner.token);
    l.release();
    expect(existsSync(p)).toBe(false);
    const again = tryLock(p)!;
    expect(again).not.toBeNull();
    l.release(); // a released lock does not remove its successor's file
    expect(existsSync(p)).toBe(true);
    again.release();
  });

  it('breaks a stale lock: a dead pid on this host, or another host whose heartbeat is older than staleMs', () => {
    const p = join(root, 'stale.lock');
    writeFileSync(p, JSON.stringify({ pid: deadPid(), host: hostname(), time: 'then', token: 'dead' }));
    expect(lockHolder(p)).toBeNull();
    const l = tryLock(p)!;
    expect(l.owner.token).not.toBe('dead');
    l.release();

    writeFileSync(p, JSON.stringify({ pid: 1, host: 'elsewhere', time: 'then', token: 'remote' }));
    expect(tryLock(p, { staleMs: 60_000 })).toBeNull(); // fresh heartbeat: alive
    const old = new Date(Date.now() - 120_000);
    utimesSync(p, old, old);
    expect(lockHolder(p, { staleMs: 60_000 })).toBeNull();
    const taken = tryLock(p, { staleMs: 60_000 })!;
    expect(taken).not.toBeNull();
    taken.release();
  });

  it('the holder heartbeats (mtime moves), and acquireLock waits for a release', async () => {
    const p = join(root, 'beat.lock');
    const l = tryLock(p, { heartbeatMs: 20 })!;
    const old = new Date(Date.now() - 120_000);
    utimesSync(p, old, old);
    await new Promise((r) => setTimeout(r, 100));
    expect(lockHolder(p, { staleMs: 60_000 })?.token).toBe(l.owner.token);
    setTimeout(() => l.release(), 50);
    const next = await acquireLock(p, { pollMs: 10, timeoutMs: 5000 });
    expect(next).not.toBeNull();
    next!.release();
    const held = tryLock(p)!;
    await expect(withLock(p, () => 1, { pollMs: 10, timeoutMs: 50 })).rejects.toThrow(/timed out waiting for the lock.*held by pid/);
    held.release();
    expect(await withLock(p, () => 2)).toBe(2);
    expect(existsSync(p)).toBe(false);
  });
});
