/** Shared option handling of the model commands (train, predict, eval --checkpoint): parsing, numbers, the backend. */
import { BACKEND_ORDER, BackendUnavailableError, initBackend, isBackendPreference, type BackendChoice, type BackendPreference } from '../backends/index.js';
import { BalmsInputError } from '../util/errors.js';

export { intArg, parseCli, type ParsedCli } from './parseCli.js';

/** A finite number (optionally within [min, max]). */
export function numberArg(flag: string, v: string, range: { min?: number; max?: number } = {}): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new BalmsInputError(`${flag}: expected a number, got '${v}'`);
  if (range.min !== undefined && x < range.min) throw new BalmsInputError(`${flag}: must be ≥ ${range.min}, got ${v}`);
  if (range.max !== undefined && x > range.max) throw new BalmsInputError(`${flag}: must be ≤ ${range.max}, got ${v}`);
  return x;
}


export const BACKEND_HELP = `auto|${BACKEND_ORDER.join('|')}`;

/** Checks a `--backend` value (undefined passes through). */
export function backendArg(v: string | undefined): BackendPreference | undefined {
  if (v === undefined) return undefined;
  if (!isBackendPreference(v)) throw new BalmsInputError(`--backend: expected one of auto, ${BACKEND_ORDER.join(', ')}, got '${v}'`);
  return v;
}

/** Starts the tfjs backend; a backend that is not installed is an input error (exit 2), not a crash. */
export async function startBackend(pref: BackendPreference): Promise<BackendChoice> {
  try {
    return await initBackend(pref);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new BalmsInputError(`--backend ${pref}: ${e.message}`);
    throw e;
  }
}
