/**
 * Running the post-build check of a staged tfjs-node in a child process and reading its report. The
 * child's script (which needs balms's ops, a layer above this one) is passed in by the caller.
 */
import { spawnSync } from 'node:child_process';
import { BalmsInputError } from '../../util/errors.js';
import { lastLine } from './toolchain.js';

/** What the check child prints: versions, and each comparison with the cpu backend. */
export interface NativeCheckReport {
  ok: boolean;
  problem?: string;
  tfjsNode?: string;
  /** TF_Version() of the linked library. */
  tensorflow?: string;
  gpu?: boolean;
  checks: { name: string; maxRelDiff: number }[];
}

/**
 * Runs `node <nodeArgs> <script> <pkgDir>` (nodeArgs: this process's, e.g. a TypeScript loader) and returns its report; a crash, a missing report or a
 * failed comparison is one error line (with `logFile`, where the child's output is kept).
 */
export function runNativeCheck(
  script: string, pkgDir: string, env: NodeJS.ProcessEnv, logFile: string, writeLog: (file: string, text: string) => void, nodeArgs: readonly string[] = process.execArgv,
): NativeCheckReport {
  const r = spawnSync(process.execPath, [...nodeArgs, script, pkgDir], { env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  const out = r.stdout ?? '';
  writeLog(logFile, `$ node ${script} ${pkgDir}\nexit ${r.status ?? r.signal}\n\n${out}\n${r.stderr ?? ''}`);
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  let report: NativeCheckReport | null = null;
  try {
    report = line ? (JSON.parse(line) as NativeCheckReport) : null;
  } catch {
    report = null;
  }
  if (!report) {
    const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}: ${lastLine(r.stderr ?? '') || 'no output'}`;
    throw new BalmsInputError(`the built addon failed its check (${why}); the log is at ${logFile}`);
  }
  if (!report.ok) throw new BalmsInputError(`the built addon failed its check: ${report.problem ?? 'unknown problem'}; the log is at ${logFile}`);
  return report;
}
