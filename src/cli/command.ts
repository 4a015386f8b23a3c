/** A CLI sub-command: `balms <name> …`. `run` returns the process exit code. */
export interface Command {
  name: string;
  /** The full `balms <name> --help` text. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

/**
 * A command as `balms --help` lists it. Its module is imported only when the command runs, so a
 * command pays only for what it uses (`eval` of a results file never loads tfjs).
 */
export interface CommandEntry {
  name: string;
  /** One line for `balms --help`. */
  summary: string;
  load(): Promise<Command>;
}
