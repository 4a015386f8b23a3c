/**
 * The backends the backend-parametrised tests run on: cpu and wasm always, and tfjs-node when it is
 * installed with its addon built (`balms setup native`). With BALMS_REQUIRE_NATIVE=1 (CI's native
 * run) a missing native backend fails the tests instead of skipping them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendChoice } from '../../src/backends/index.js';

function nativeBuilt(pkg: string): boolean {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    const lib = join(dir, 'lib');
    return existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

/** Whether tfjs-node is installed with a built addon. */
export const NATIVE_PRESENT = nativeBuilt('@tensorflow/tfjs-node');

/** Set by CI's native run: the native cases must run. */
export const REQUIRE_NATIVE = process.env.BALMS_REQUIRE_NATIVE === '1';

if (REQUIRE_NATIVE && !NATIVE_PRESENT) {
  throw new Error('BALMS_REQUIRE_NATIVE=1 but @tensorflow/tfjs-node is not installed with its addon (run npx balms setup native)');
}

/** Every backend present, cpu and wasm first. */
export const TEST_BACKENDS: BackendChoice[] = ['cpu', 'wasm', ...(NATIVE_PRESENT ? (['tfjs-node'] as const) : [])];
