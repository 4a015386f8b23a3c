/**
 * The CLI's top level without the process around it: picks the command, runs it and turns what it
 * throws into an exit code. Input errors print one line (`balms <cmd>: <message>`) and give 2; a run
 * that stopped on a non-finite loss gives 3; anything else is a bug in balms and says so.
 */
import { readFileSync } from 'node:fs';
import { commands } from './commands.js';
import { setNativeVerbose } from '../backends/nativeStartupOutput.js';
import { isBalmsInputError, isTrainingDivergedError } from '../util/errors.js';
import { errnoCode, fsInputError } from '../util/fsErrors.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'balms — Balanced Meta-Softmax for long-tailed instance segmentation on TensorFlow.js',
    '',
    'Usage: balms <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `balms <command> --help` for the options of a command. `--verbose` (any command) shows',
    "TensorFlow's start-up notices on the native backends.",
  ].join('\n');
}

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, bug: 1, input: 2, diverged: 3 } as const;

/** The message printed for an error that is not an input error: a bug, with what to report. */
export function bugReport(cmd: string, e: unknown): string {
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return `balms ${cmd}: internal error (a bug in balms: please report it with the command line and this text): ${detail}`;
}

/** Runs `balms <argv>`; returns the exit code. Never throws. */
export async function runMain(argv: readonly string[]): Promise<number> {
  // --verbose, anywhere: TensorFlow's start-up notices are shown (the native backends hide them otherwise)
  if (argv.includes('--verbose')) {
    setNativeVerbose(true);
    argv = argv.filter((a) => a !== '--verbose');
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? EXIT.ok : 1;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`balms: unknown command '${oneLine(name)}'\n\n${help()}\n`);
    return EXIT.input;
  }
  try {
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(cmd.usage.trimEnd() + '\n');
      return EXIT.ok;
    }
    return await cmd.run(rest);
  } catch (e) {
    if (isBalmsInputError(e)) {
      process.stderr.write(`balms ${name}: ${oneLine(e.message)}\n`);
      return EXIT.input;
    }
    if (isTrainingDivergedError(e)) {
      process.stderr.write(`balms ${name}: ${oneLine(e.message)}\n`);
      return EXIT.diverged;
    }
    if (typeof (e as { code?: unknown } | null)?.code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`balms ${name}: ${oneLine((e as Error).message)} (see balms ${name} --help)\n`);
      return EXIT.input;
    }
    const code = errnoCode(e);
    if (code) {
      // a file-system failure no caller mapped (a full disk, a permission): the user's environment, not a bug
      const path = (e as NodeJS.ErrnoException).path;
      process.stderr.write(`balms ${name}: ${oneLine((fsInputError(e, path ?? '(unknown path)', 'file-system error') as Error).message)}\n`);
      return EXIT.input;
    }
    process.stderr.write(bugReport(name, e) + '\n');
    return EXIT.bug;
  }
}

/** Collapses line breaks (a message quoting user text must stay one line). */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
