/** Argument parsing for every command (`parseArgs`, strict, errors as input errors; integers). No backend import: lazy commands use it. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BalmsInputError } from '../util/errors.js';

/** What {@link parseCli} returns for `options` T. */
export type ParsedCli<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

/** `parseArgs` with its errors (unknown option, missing value) turned into input errors. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false): ParsedCli<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new BalmsInputError(e instanceof Error ? e.message : String(e));
  }
}

/** A non-negative integer. */
export function intArg(flag: string, v: string): number {
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw new BalmsInputError(`${flag}: expected a non-negative integer, got '${v}'`);
  return Number(v);
}
