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
 * Training stopped because a loss became non-finite. Names the iteration, the first non-finite loss
 * term and the last checkpoint written before it (null when none). The CLI exits with code 3.
 */
export class TrainingDivergedError extends Error {
  readonly iteration: number;
  readonly term: string;
  readonly lastCheckpoint: string | null;

  constructor(iteration: number, losses: Readonly<Record<string, number>>, lastCheckpoint: string | null) {
    const terms = Object.keys(losses).filter((k) => k !== 'total_loss');
    const term = terms.find((k) => !Number.isFinite(losses[k])) ?? 'total_loss';
    super(
      `training diverged at iteration ${iteration}: ${term} is ${losses[term]}` +
        (lastCheckpoint ? `; last good checkpoint ${lastCheckpoint} (continue with --resume)` : '; no checkpoint written yet') +
        ' (lower solver.baseLr or set solver.clipGradNorm)',
    );
    this.name = 'TrainingDivergedError';
    this.iteration = iteration;
    this.term = term;
    this.lastCheckpoint = lastCheckpoint;
  }
}

export function isTrainingDivergedError(e: unknown): e is TrainingDivergedError {
  return e instanceof TrainingDivergedError;
}
