/**
 * Loading tfjs-node without TensorFlow's start-up notices (oneDNN, CPU features, the absl "before
 * InitializeLog" banner) unless verbose: `TF_CPP_MIN_LOG_LEVEL` (set to 2 when unset) silences what
 * TensorFlow logs through its own logger later, and the stderr-capture addon that `balms setup
 * native` builds redirects fd 2 to a file during the load itself; afterwards, lines that are not
 * info or warning notices (errors, fatal messages, anything else) are written to stderr again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { STDERR_CAPTURE_ADDON } from './native/stderrCaptureAddon.js';

let verbose = false;

/** Show TensorFlow's start-up notices (the CLI's `--verbose`). Call before the first native load. */
export function setNativeVerbose(v: boolean): void {
  verbose = v;
}

/** Whether TensorFlow's notices are shown. */
export function nativeVerbose(): boolean {
  return verbose;
}

interface Capture {
  begin(path: string): number;
  end(saved: number): void;
}

function captureAddon(pkg: string): Capture | null {
  try {
    const req = createRequire(import.meta.url);
    const dir = dirname(req.resolve(`${pkg}/package.json`));
    const file = join(dir, STDERR_CAPTURE_ADDON);
    return existsSync(file) ? (req(file) as Capture) : null;
  } catch {
    return null;
  }
}

/**
 * The lines of captured stderr worth showing: TensorFlow's `I…`/`W…` notices (with their
 * continuation lines) and absl's banner are dropped, everything else is kept.
 */
export function keptStartupLines(text: string): string[] {
  const kept: string[] = [];
  let dropping = false;
  for (const line of text.split('\n')) {
    if (/^[IWEF]\d{4} /.test(line)) dropping = /^[IW]/.test(line);
    else if (/^WARNING: All log messages before absl::InitializeLog\(\) is called/.test(line)) dropping = true;
    else if (line === '') continue;
    if (!dropping) kept.push(line);
  }
  return kept;
}

/** Runs `load` (which imports `pkg`) with TensorFlow's start-up notices hidden unless verbose. */
export async function loadNativeQuietly<T>(pkg: string, load: () => Promise<T>): Promise<T> {
  if (verbose) return load();
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const capture = captureAddon(pkg);
  if (!capture) return load();
  const dir = mkdtempSync(join(tmpdir(), 'balms-tf-'));
  const file = join(dir, 'stderr.txt');
  const saved = capture.begin(file);
  try {
    return await load();
  } finally {
    if (saved >= 0) capture.end(saved);
    try {
      const kept = keptStartupLines(readFileSync(file, 'utf8'));
      if (kept.length) process.stderr.write(kept.join('\n') + '\n');
    } catch {
      // nothing captured
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
