/**
 * Sharding a compare over independent processes (a Slurm job array, a Kubernetes Indexed Job):
 * `--shard i/n` runs shard i's share of the (method, seed) cells.
 *
 * The assignment is deterministic — every shard computes it from the same plan, without talking to
 * the others — and balanced by expected cost: a cell weighs its iterations (`solver.maxIter`), and
 * cells are dealt longest first (ties: plan order) to the shard with the least weight so far (ties:
 * the lowest index), the LPT rule, which ends within 4/3 of the best possible makespan. Stage-1
 * cells, the longest, are therefore spread over the shards first.
 */
import { BalmsInputError } from '../../util/errors.js';

export interface ShardSpec {
  /** 0-based, as `JOB_COMPLETION_INDEX` and `SLURM_ARRAY_TASK_ID` (with `--array=0-(n-1)`) give it. */
  index: number;
  count: number;
}

/** Parses `i/n` (0 ≤ i < n ≤ 10,000). */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && count <= 10_000) || !(index < count)) {
    throw new BalmsInputError(`--shard: expected i/n with 0 ≤ i < n (0-based, e.g. 0/4 … 3/4), got '${text}'`);
  }
  return { index, count };
}

/** For each cell (by its weight, in plan order), the shard it belongs to. */
export function assignShards(weights: readonly number[], count: number): number[] {
  const order = weights.map((w, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const load = new Float64Array(count);
  const shardOf = new Array<number>(weights.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    shardOf[i] = best;
    load[best] += weights[i]!;
  }
  return shardOf;
}
