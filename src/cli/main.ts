#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { commands } from './commands.js';
import { setNativeVerbose } from '../backends/nativeStartupOutput.js';
import { isBalmsInputError } from '../util/errors.js';

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

export async function main(argv: string[]): Promise<number> {
  // --verbose, anywhere: TensorFlow's start-up notices are shown (the native backends hide them otherwise)
  if (argv.includes('--verbose')) {
    setNativeVerbose(true);
    argv = argv.filter((a) => a !== '--verbose');
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`balms: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (isBalmsInputError(e)) {
      process.stderr.write(`balms ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`balms: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
