import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadNativeQuietly } from './nativeStartupOutput.js';
import { registerTrainingKernels } from './registerTrainingKernels.js';

/** A backend balms can run on, in order of preference. */
export type BackendChoice = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
/** What {@link initBackend} accepts: a specific backend or 'auto' (the best one installed). */
export type BackendPreference = BackendChoice | 'auto';

/** Preference order of 'auto'. */
export const BACKEND_ORDER: readonly BackendChoice[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

const PACKAGE: Record<BackendChoice, string | null> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: null,
};

/** The tfjs engine's name for each choice (both tfjs-node packages register 'tensorflow'). */
const TF_NAME: Record<BackendChoice, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let active: BackendChoice | null = null;
let pending: Promise<BackendChoice> | null = null;
let pendingPref: BackendPreference | null = null;
const loadFailures = new Map<BackendChoice, string>();

/** Thrown when a requested backend is not installed or fails to start. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/** True for the names {@link initBackend} accepts. */
export function isBackendPreference(s: string): s is BackendPreference {
  return s === 'auto' || (BACKEND_ORDER as readonly string[]).includes(s);
}

/** The backend balms initialised, or null before {@link initBackend}. */
export function activeBackend(): BackendChoice | null {
  return active;
}

/**
 * Select and initialise the tfjs backend: 'auto' (default) takes the first installed of
 * tfjs-node-gpu > tfjs-node > wasm > cpu. tfjs-node(-gpu) are optional peer dependencies detected by
 * dynamic import; wasm loads offline from the package's own dist/. On cpu and wasm the training
 * kernels and gradients tfjs lacks are registered once ({@link registerTrainingKernels}) unless
 * `opts.trainingKernels` is false (see `installTrainingKernels` for an install that can be undone). Idempotent:
 * later calls with 'auto' or the same choice return the active backend; asking for a different one
 * switches to it. Throws {@link BackendUnavailableError} naming the missing package when a requested
 * backend is not installed. Resolves to the chosen {@link BackendChoice}.
 */
export async function initBackend(pref: BackendPreference = 'auto', opts: InitBackendOptions = {}): Promise<BackendChoice> {
  const choice = await selectBackend(pref);
  if (opts.trainingKernels !== false && (choice === 'cpu' || choice === 'wasm')) registerTrainingKernels();
  return choice;
}

export interface InitBackendOptions {
  /**
   * Install balms' training kernels on cpu / wasm for the rest of the process (default true, what
   * the CLI needs). With false tfjs's own kernels stay: `installTrainingKernels(backend)` installs
   * them explicitly, with a disposer that puts tfjs's back.
   */
  trainingKernels?: boolean;
}

async function selectBackend(pref: BackendPreference): Promise<BackendChoice> {
  if (!isBackendPreference(pref)) {
    throw new BackendUnavailableError(`unknown backend '${String(pref)}' (expected auto, ${BACKEND_ORDER.join(', ')})`);
  }
  while (pending) {
    const p = pending;
    const samePref = pendingPref === pref || pref === 'auto';
    try {
      const got = await p;
      if (samePref) return got;
    } catch (e) {
      if (samePref) throw e;
    }
  }
  if (active && (pref === 'auto' || pref === active) && tf.getBackend() === TF_NAME[active]) return active;
  pendingPref = pref;
  pending = select(pref);
  try {
    active = await pending;
    return active;
  } finally {
    pending = null;
    pendingPref = null;
  }
}

async function select(pref: BackendPreference): Promise<BackendChoice> {
  if (pref !== 'auto') {
    await start(pref);
    return pref;
  }
  const tried: string[] = [];
  for (const choice of BACKEND_ORDER) {
    try {
      await start(choice);
      return choice;
    } catch (e) {
      tried.push(`${choice}: ${(e as Error).message}`);
    }
  }
  throw new BackendUnavailableError(`no tfjs backend could be started (${tried.join('; ')})`);
}

async function start(choice: BackendChoice): Promise<void> {
  const pkg = PACKAGE[choice];
  const name = TF_NAME[choice];
  if (pkg && !tf.findBackendFactory(name)) {
    const earlier = loadFailures.get(choice);
    if (earlier) throw new BackendUnavailableError(earlier);
    try {
      if (choice === 'wasm') await loadWasm();
      else await importOptional(pkg);
    } catch (e) {
      const setup = `npx balms setup native${choice === 'tfjs-node-gpu' ? ' --gpu' : ''}`;
      const first = String((e as Error).message ?? e).split('\n')[0]!;
      const msg = isNotFound(e)
        ? `backend '${choice}' is not installed (${setup})`
        : /tfjs_binding\.node\) can not be found/.test(first)
          ? `backend '${choice}' is installed without its native addon (${setup})`
          : `backend '${choice}' failed to load: ${first}`;
      loadFailures.set(choice, msg);
      throw new BackendUnavailableError(msg);
    }
    if (!tf.findBackendFactory(name)) {
      const msg = `${pkg} loaded but registered its '${name}' backend with another copy of @tensorflow/tfjs than balms's ` +
        `(${tfjsLocation(pkg)}); install it next to balms's @tensorflow/tfjs ${tf.version_core} (npx balms setup native does)`;
      loadFailures.set(choice, msg);
      throw new BackendUnavailableError(msg);
    }
  }
  if (choice === 'tfjs-node-gpu' || choice === 'tfjs-node') {
    // both packages register 'tensorflow'; tell them apart by whether the GPU build was the one loaded
    const gpu = choice === 'tfjs-node-gpu';
    if (gpu !== (loadedNodePackage === '@tensorflow/tfjs-node-gpu')) {
      throw new BackendUnavailableError(`backend '${choice}' requested but ${loadedNodePackage ?? 'another package'} provides 'tensorflow' in this process (only one of tfjs-node, tfjs-node-gpu can load)`);
    }
  }
  if (!(await tf.setBackend(name))) {
    throw new BackendUnavailableError(`backend '${choice}' is installed but failed to initialise`);
  }
}

let loadedNodePackage: string | null = null;

async function importOptional(pkg: string): Promise<void> {
  if (!isResolvable(pkg)) throw Object.assign(new Error(`cannot find ${pkg}`), { code: 'MODULE_NOT_FOUND' });
  // a variable specifier keeps TypeScript and bundlers from resolving the optional peer at build time
  const spec: string = pkg;
  await loadNativeQuietly(pkg, () => import(spec));
  loadedNodePackage ??= pkg;
}

async function loadWasm(): Promise<void> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  // Point at the package's own dist/ explicitly so that bundling balms does not break the lookup.
  // setWasmPaths must precede the first initialisation of 'wasm'; it is harmless otherwise.
  try {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dist + path.sep);
  } catch {
    // already initialised elsewhere, or an unusual layout: fall back to the package's default lookup
  }
}

/** Where `pkg` and balms resolve @tensorflow/tfjs from (for the message when they differ). */
function tfjsLocation(pkg: string): string {
  try {
    const req = createRequire(import.meta.url);
    const theirs = createRequire(req.resolve(`${pkg}/package.json`)).resolve('@tensorflow/tfjs');
    return `${pkg} uses ${path.dirname(path.dirname(theirs))}, balms uses ${path.dirname(path.dirname(req.resolve('@tensorflow/tfjs')))}`;
  } catch {
    return 'unknown locations';
  }
}

function isResolvable(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
