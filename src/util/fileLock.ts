/**
 * Advisory lock files for processes that share a folder (one machine or several over a shared file
 * system): a lock is a file created with `O_CREAT | O_EXCL` (`open(…, 'wx')`, atomic on local file
 * systems and on NFS v3+), holding its owner — `{pid, host, time, token}`. The owner refreshes the
 * file's mtime every `heartbeatMs` while it holds the lock.
 *
 * A lock is stale when its owner is gone: on the same host, the pid no longer runs; on another host
 * (its pid cannot be checked from here), its heartbeat is older than `staleMs`. A stale lock is
 * broken race-free: it is renamed to a unique name (only one breaker's rename succeeds), and if the
 * renamed file turns out not to be the one judged stale (another breaker replaced it in between),
 * it is linked back and the attempt counts as lost.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ensureDir } from './atomicWrite.js';
import { BalmsInputError } from './errors.js';
import { dirname } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  time: string;
  /** Unique per acquisition. */
  token: string;
}

export interface FileLockOptions {
  /** mtime refresh period while held (default 30 s; 0: none). */
  heartbeatMs?: number;
  /** A lock of another host whose mtime is older than this is stale (default 10 min). */
  staleMs?: number;
}

export interface FileLock {
  path: string;
  owner: LockOwner;
  /** Removes the lock file if it is still this owner's. */
  release(): void;
}

const HOST = hostname();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o.token === 'string' && typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

/** The owner of a live lock at `path`, or null when there is none or it is stale. */
export function lockHolder(path: string, opts: FileLockOptions = {}): LockOwner | null {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return null;
  }
  const o = readOwner(path);
  if (!o) return Date.now() - mtime > 5000 ? null : { pid: -1, host: '?', time: '', token: '' }; // being written, or garbage
  if (o.host === HOST) return pidAlive(o.pid) ? o : null;
  return Date.now() - mtime > (opts.staleMs ?? 600_000) ? null : o;
}

/** Breaks the lock at `path` if it is stale; true when it is gone afterwards (broken here or elsewhere). */
function breakIfStale(path: string, opts: FileLockOptions): boolean {
  if (lockHolder(path, opts)) return false;
  const judged = readOwner(path);
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return true; // already gone: someone else broke it (or its owner released it)
  }
  const got = readOwner(aside);
  if ((judged?.token ?? null) !== (got?.token ?? null)) {
    // Another breaker replaced the stale lock with a live one between our check and rename: put it back.
    try {
      linkSync(aside, path);
    } catch {
      /* a newer lock exists: fine */
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

/** Takes the lock at `path`, or returns null when a live owner holds it (a stale one is broken first). */
export function tryLock(path: string, opts: FileLockOptions = {}): FileLock | null {
  ensureDir(dirname(path));
  for (let attempt = 0; attempt < 2; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: HOST, time: new Date().toISOString(), token: randomBytes(8).toString('hex') };
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (attempt === 0 && breakIfStale(path, opts)) continue;
      return null;
    }
    try {
      writeSync(fd, JSON.stringify(owner) + '\n');
    } finally {
      closeSync(fd);
    }
    const period = opts.heartbeatMs ?? 30_000;
    const beat = period > 0 ? setInterval(() => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        /* lock removed under us: release will find it gone */
      }
    }, period) : null;
    beat?.unref();
    let released = false;
    return {
      path,
      owner,
      release() {
        if (released) return;
        released = true;
        if (beat) clearInterval(beat);
        if (readOwner(path)?.token === owner.token) rmSync(path, { force: true });
      },
    };
  }
  return null;
}

/** Waits (polling every `pollMs`, at most `timeoutMs`) for the lock at `path`, then takes it. */
export async function acquireLock(path: string, opts: FileLockOptions & { pollMs?: number; timeoutMs?: number } = {}): Promise<FileLock | null> {
  const end = Date.now() + (opts.timeoutMs ?? Infinity);
  for (;;) {
    const l = tryLock(path, opts);
    if (l || Date.now() >= end) return l;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/** Runs `fn` holding the lock at `path` (waiting for it as {@link acquireLock}); a wait that times out is an input error naming the holder. */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, opts: FileLockOptions & { pollMs?: number; timeoutMs?: number } = {}): Promise<T> {
  const l = await acquireLock(path, opts);
  if (!l) {
    const h = lockHolder(path, opts);
    throw new BalmsInputError(`timed out waiting for the lock ${path}${h ? ` (held by pid ${h.pid} on ${h.host} since ${h.time}; remove the file if that process is gone)` : ''}`, { file: path });
  }
  try {
    return await fn();
  } finally {
    l.release();
  }
}
