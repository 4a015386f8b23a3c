import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';

const tmp = mkdtempSync(join(tmpdir(), 'balms-synth-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tiny = ['--train-images', '20', '--val-images', '6', '--categories', '5', '--size', '48', '--seed', '3'];

describe('balms synth', () => {
  it('writes an LVIS-format dataset and prints its summary', () => {
    const out = join(tmp, 'ds');
    const r = runCli(['synth', '--out', out, ...tiny, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { trainImages: number; valImages: number; categories: unknown[]; trainJson: string };
    expect([s.trainImages, s.valImages, s.categories.length]).toEqual([20, 6, 5]);
    const train = JSON.parse(readFileSync(join(out, 'lvis_synth_train.json'), 'utf8')) as { images: Array<{ file_name: string }>; categories: unknown[] };
    expect(train.categories).toHaveLength(5);
    expect(existsSync(join(out, 'train', train.images[0]!.file_name))).toBe(true);
    // a second run into the same non-empty folder is refused, unless --force
    const again = runCli(['synth', '--out', out, ...tiny]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('not empty');
    const forced = runCli(['synth', '--out', out, ...tiny, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/rare \d+, common \d+, frequent \d+/);
    expect(readFileSync(join(out, 'lvis_synth_train.json'), 'utf8')).toBe(JSON.stringify(train) + '\n');
  });

  it('generates into the cache once and reuses it', () => {
    const env = { BALMS_CACHE: join(tmp, 'cache') };
    const a = runCli(['synth', ...tiny, '--json'], { env });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain('generating');
    const b = runCli(['synth', ...tiny, '--json'], { env });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).not.toContain('generating');
    expect(JSON.parse(b.stdout).dir).toBe(JSON.parse(a.stdout).dir);
    expect(JSON.parse(a.stdout).dir).toMatch(/synth-[0-9a-f]{12}$/);
    // the summary on disk names the folder it lives in, not the temp folder it was generated in
    const onDisk = JSON.parse(readFileSync(join(JSON.parse(a.stdout).dir, 'synth.json'), 'utf8')) as { dir: string; trainJson: string };
    expect(onDisk.dir).toBe(JSON.parse(a.stdout).dir);
    expect(onDisk.trainJson).toBe(join(onDisk.dir, 'lvis_synth_train.json'));
  });

  it('rejects bad options with exit code 2 and one line', () => {
    for (const args of [['--size', 'x'], ['--categories', '1000'], ['--bogus']]) {
      const r = runCli(['synth', '--out', join(tmp, 'bad'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^balms synth: /);
    }
  });
});
