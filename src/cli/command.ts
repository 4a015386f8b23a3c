/** A CLI sub-command: `balms <name> …`. `run` returns the process exit code. */
export interface Command {
  name: string;
  /** One line for `balms --help`. */
  summary: string;
  /** The full `balms <name> --help` text. */
  usage: string;
  run(argv: string[]): Promise<number>;
}
