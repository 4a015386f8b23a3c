/** An append-only JSONL metrics log (one JSON object per line: iteration, losses, lr, eval results…). */
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';

export class MetricsLog {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(record: Record<string, unknown>): void {
    appendFileSync(this.path, JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
  }

  /** Drops records past `iteration` (used on resume so the log matches the checkpoint). */
  truncateAfter(iteration: number): void {
    if (!existsSync(this.path)) return;
    const kept = readMetricsLog(this.path).filter((r) => typeof r['iteration'] !== 'number' || (r['iteration'] as number) <= iteration);
    writeFileAtomic(this.path, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

/** Reads a JSONL log, skipping a torn last line. */
export function readMetricsLog(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a torn line from an interrupted write
    }
  }
  return out;
}
