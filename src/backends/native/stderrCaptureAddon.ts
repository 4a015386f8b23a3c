/**
 * A tiny N-API addon balms compiles next to tfjs-node during `balms setup native`: it points the
 * process's stderr (fd 2) at a file and back. TensorFlow prints its start-up notices (oneDNN, CPU
 * features) from C++ through absl before any of its log-level settings apply, so nothing on the
 * JavaScript side can hide them; {@link ../nativeStartupOutput} uses this addon around the load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLogged } from './pipDownload.js';
import type { Toolchain } from './toolchain.js';

/** Where the addon lies inside the tfjs-node package folder. */
export const STDERR_CAPTURE_ADDON = join('balms', 'stderr_capture.node');

const SOURCE = String.raw`#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <node_api.h>

/* begin(path) -> saved fd: fd 2 now writes to path (created/truncated). */
static napi_value Begin(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  size_t len = 0;
  napi_value out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) return NULL;
  fflush(stderr);
  int saved = dup(2);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (saved < 0 || fd < 0) {
    if (saved >= 0) close(saved);
    if (fd >= 0) close(fd);
    napi_create_int32(env, -1, &out);
    return out;
  }
  dup2(fd, 2);
  close(fd);
  napi_create_int32(env, saved, &out);
  return out;
}

/* end(saved): fd 2 is restored. */
static napi_value End(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t saved = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  if (napi_get_value_int32(env, argv[0], &saved) != napi_ok || saved < 0) return NULL;
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "begin", NAPI_AUTO_LENGTH, Begin, NULL, &f);
  napi_set_named_property(env, exports, "begin", f);
  napi_create_function(env, "end", NAPI_AUTO_LENGTH, End, NULL, &f);
  napi_set_named_property(env, exports, "end", f);
  return exports;
}
`;

/**
 * Compiles the addon into `<pkgDir>/balms/`. Returns null on success, else the compiler's complaint:
 * not fatal to the set-up (TensorFlow's notices then show at start-up).
 */
export async function buildStderrCapture(tools: Toolchain, pkgDir: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const dir = join(pkgDir, 'balms');
  mkdirSync(dir, { recursive: true });
  const src = join(dir, 'stderr_capture.c');
  writeFileSync(src, SOURCE);
  const args = ['-x', 'c++', '-shared', '-fPIC', '-O2', `-I${join(tools.nodeDir, 'include', 'node')}`, '-DNAPI_VERSION=8', src, '-o', join(pkgDir, STDERR_CAPTURE_ADDON)];
  const { code, output } = await runLogged(tools.cxx, args, env, () => {});
  return code === 0 ? null : output.trim().split('\n')[0] ?? `exit ${code}`;
}
