/** Assertions on the one kind of error users see: `BalmsInputError`, and the CLI's one-line exit 2. */
import { expect } from 'vitest';
import { BalmsInputError } from '../../src/util/errors.js';
import type { CliResult } from './runCli.js';

/** The `BalmsInputError` that `f` throws (any other error, or none, fails the test). */
export function inputErrorOf(f: () => unknown): BalmsInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof BalmsInputError) return e;
    throw e;
  }
  throw new Error('expected a BalmsInputError');
}

/** The `BalmsInputError` that `p` rejects with. */
export async function inputErrorOfAsync(p: Promise<unknown>): Promise<BalmsInputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BalmsInputError) return e;
    throw e;
  }
  throw new Error('expected a BalmsInputError');
}

/** Exit code 2, exactly one stderr line starting with "balms <cmd>: ", no stack trace, nothing on stdout. */
export function expectCliInputError(r: CliResult, cmd: string, re: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(`balms ${cmd}: `)).toBe(true);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(re);
}
