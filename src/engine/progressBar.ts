/**
 * A progress bar on stderr with rate, ETA and a status text (e.g. the current loss). On a TTY it
 * redraws one line; otherwise it prints a plain line at most every `minIntervalMs`.
 */
export interface ProgressBarOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  width?: number;
  minIntervalMs?: number;
  /** Silence all output (e.g. `--quiet`). */
  quiet?: boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private done = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(private readonly opts: ProgressBarOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = !!this.stream.isTTY;
  }

  /** Sets the number of finished units (absolute) and an optional status text. */
  update(done: number, status = ''): void {
    this.done = done;
    const now = Date.now();
    const interval = this.tty ? 100 : (this.opts.minIntervalMs ?? 5000);
    if (done < this.opts.total && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.draw(status);
  }

  /** Finishes the line. */
  finish(status = ''): void {
    this.done = this.opts.total;
    this.draw(status);
    if (this.tty && !this.opts.quiet) this.stream.write('\n');
  }

  /** The line as it would be printed now (for tests and logs). */
  render(status = ''): string {
    const { total, label } = this.opts;
    const width = this.opts.width ?? 24;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (total - this.done) / rate : NaN;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${label} ${bar} ${this.done}/${total} ${(frac * 100).toFixed(0).padStart(3)}% ` +
      `${formatDuration(elapsed)}<${formatDuration(eta)} ${rate >= 1 ? rate.toFixed(1) + ' it/s' : (rate > 0 ? (1 / rate).toFixed(1) + ' s/it' : '')}` +
      (status ? ` ${status}` : '');
  }

  private draw(status: string): void {
    if (this.opts.quiet) return;
    const line = this.render(status);
    this.stream.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}
