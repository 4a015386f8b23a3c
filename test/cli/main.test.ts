import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';

describe('balms CLI entry', () => {
  it('prints help and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: balms <command>');
  });

  it('rejects an unknown command with exit code 2', () => {
    const r = runCli(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'no-such-command'");
  });
});
