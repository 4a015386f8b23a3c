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

/**
 * A broken invariant inside balms, never the user's input: the message says it is a bug and asks
 * for a report. Use it for "cannot happen" states; anything a user can cause is a `BalmsInputError`.
 */
export class BalmsInternalError extends Error {
  constructor(what: string) {
    super(`${what} (a bug in balms: please report it)`);
    this.name = 'BalmsInternalError';
  }
}

/**
 * Training stopped because a loss or a weight became non-finite. Names the iteration, what went
 * non-finite (the first loss term, or the parameter) and the last checkpoint written before it (null
 * when none). The CLI prints it on one line and exits with code 3.
 */
export class TrainingDivergedError extends Error {
  readonly iteration: number;
  /** What went non-finite: `loss_cls is NaN`, `model/…/kernel[3] is Infinity`. */
  readonly what: string;
  readonly lastCheckpoint: string | null;

  constructor(iteration: number, what: string, lastCheckpoint: string | null) {
    super(
      `training diverged at iteration ${iteration}: ${what}; ` +
        (lastCheckpoint ? `last good checkpoint ${lastCheckpoint}` : 'no checkpoint written yet') +
        ' (lower solver.baseLr or set solver.clipGradNorm' + (lastCheckpoint ? ', then continue with --resume)' : ')'),
    );
    this.name = 'TrainingDivergedError';
    this.iteration = iteration;
    this.what = what;
    this.lastCheckpoint = lastCheckpoint;
  }

  /** From a step's loss values: names the first non-finite term (`total_loss` when only the sum is). */
  static fromLosses(iteration: number, losses: Readonly<Record<string, number>>, lastCheckpoint: string | null): TrainingDivergedError {
    const term = Object.keys(losses).find((k) => k !== 'total_loss' && !Number.isFinite(losses[k])) ?? 'total_loss';
    return new TrainingDivergedError(iteration, `${term} is ${losses[term]}`, lastCheckpoint);
  }
}

export function isTrainingDivergedError(e: unknown): e is TrainingDivergedError {
  return e instanceof TrainingDivergedError;
}
