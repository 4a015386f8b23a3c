/**
 * The error every user-facing input problem raises: it names the file, the JSON path of the
 * record and key (`annotations[812].segmentation[0]`) and what is wrong. The CLI prints
 * `balms: <message>` on one line and exits with code 2, never a stack trace.
 */
export class BalmsInputError extends Error {
  readonly file: string | undefined;
  readonly path: string | undefined;
  readonly problem: string;

  constructor(problem: string, where: { file?: string; path?: string } = {}) {
    const parts = [where.file, where.path].filter((p): p is string => !!p);
    super(parts.length ? `${parts.join(': ')}: ${problem}` : problem);
    this.name = 'BalmsInputError';
    this.file = where.file;
    this.path = where.path;
    this.problem = problem;
  }
}

export function isBalmsInputError(e: unknown): e is BalmsInputError {
  return e instanceof BalmsInputError;
}
