/** Small dependency-free SVG charts for the HTML report: bars, lines and scatter plots. */

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 560, height: 300, left: 56, right: 16, top: 28, bottom: 48 };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

function axes(f: Frame, xLabel: string, yLabel: string, yTicks: number[], y: (v: number) => number, title: string): string {
  const parts: string[] = [];
  parts.push(`<text x="${f.width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(title)}</text>`);
  for (const t of yTicks) {
    const yy = y(t);
    parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${f.left - 6}" y="${yy + 4}" text-anchor="end" font-size="10">${fmt(t)}</text>`);
  }
  parts.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#333"/>`);
  parts.push(`<text x="${f.width / 2}" y="${f.height - 8}" text-anchor="middle" font-size="11">${escapeXml(xLabel)}</text>`);
  parts.push(`<text x="14" y="${f.height / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 14 ${f.height / 2})">${escapeXml(yLabel)}</text>`);
  return parts.join('');
}

function svg(f: Frame, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" font-family="system-ui, sans-serif">${body}</svg>`;
}

/**
 * Grouped bar chart: `groups` on the x axis, one bar per series. Negative values (undefined, −1) are
 * drawn as "n/a". A series' optional `errors` draw ± error bars (e.g. a standard deviation).
 */
export function barChart(opts: {
  title: string;
  groups: string[];
  series: { name: string; values: number[]; errors?: number[] }[];
  yLabel: string;
  yMax?: number;
  /** The text above a bar (default: the value ×100 with one decimal, as AP is shown). */
  valueLabel?: (v: number) => string;
}): string {
  const f = FRAME;
  const all = opts.series.flatMap((s) => s.values.map((v, i) => (v >= 0 ? v + Math.max(0, s.errors?.[i] ?? 0) : v))).filter((v) => v >= 0);
  const yMax = opts.yMax ?? Math.max(1e-9, ...all) * 1.1;
  const y = (v: number) => f.top + (1 - v / yMax) * (f.height - f.top - f.bottom);
  const plotW = f.width - f.left - f.right;
  const gw = plotW / Math.max(1, opts.groups.length);
  const bw = (gw * 0.8) / Math.max(1, opts.series.length);
  const parts = [axes(f, '', opts.yLabel, niceTicks(0, yMax), y, opts.title)];
  opts.groups.forEach((g, gi) => {
    const x0 = f.left + gi * gw + gw * 0.1;
    opts.series.forEach((s, si) => {
      const v = s.values[gi] ?? -1;
      const x = x0 + si * bw;
      if (v >= 0) {
        parts.push(`<rect x="${x}" y="${y(v)}" width="${bw - 2}" height="${y(0) - y(v)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.name} ${g}: ${v.toFixed(4)}`)}</title></rect>`);
        const e = s.errors?.[gi] ?? 0;
        if (e > 0) {
          const cx = x + (bw - 2) / 2;
          parts.push(`<path d="M${cx},${y(Math.max(0, v - e))}V${y(v + e)}M${cx - 3},${y(v + e)}h6M${cx - 3},${y(Math.max(0, v - e))}h6" stroke="#333" stroke-width="1"/>`);
        }
        parts.push(`<text x="${x + (bw - 2) / 2}" y="${y(v + e) - 3}" text-anchor="middle" font-size="9">${opts.valueLabel ? opts.valueLabel(v) : (v * (opts.yMax === 100 ? 1 : 100)).toFixed(1)}</text>`);
      } else {
        parts.push(`<text x="${x + (bw - 2) / 2}" y="${y(0) - 3}" text-anchor="middle" font-size="9" fill="#999">n/a</text>`);
      }
    });
    parts.push(`<text x="${f.left + gi * gw + gw / 2}" y="${f.height - f.bottom + 14}" text-anchor="middle" font-size="11">${escapeXml(g)}</text>`);
  });
  parts.push(legend(f, opts.series.map((s) => s.name)));
  return svg(f, parts.join(''));
}

function legend(f: Frame, names: string[]): string {
  if (names.length < 2) return '';
  return names
    .map((n, i) => `<rect x="${f.width - f.right - 120}" y="${f.top + i * 14}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${f.width - f.right - 106}" y="${f.top + i * 14 + 9}" font-size="10">${escapeXml(n)}</text>`)
    .join('');
}

/** Line chart of one or more series over x (e.g. loss against iteration). */
export function lineChart(opts: { title: string; xLabel: string; yLabel: string; series: { name: string; x: number[]; y: number[] }[]; logY?: boolean }): string {
  const f = FRAME;
  const tr = (v: number) => (opts.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const xs = opts.series.flatMap((s) => s.x);
  const ys = opts.series.flatMap((s) => s.y.map(tr)).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return svg(f, axes(f, opts.xLabel, opts.yLabel, [0], () => f.height - f.bottom, `${opts.title} (no data)`));
  const xMin = Math.min(...xs), xMax = Math.max(...xs, xMin + 1);
  const yMin = Math.min(...ys), yMax = Math.max(...ys, yMin + 1e-9);
  const x = (v: number) => f.left + ((v - xMin) / (xMax - xMin)) * (f.width - f.left - f.right);
  const y = (v: number) => f.top + (1 - (v - yMin) / (yMax - yMin)) * (f.height - f.top - f.bottom);
  const parts = [axes(f, opts.xLabel, opts.yLabel + (opts.logY ? ' (log10)' : ''), niceTicks(yMin, yMax), y, opts.title)];
  for (const t of niceTicks(xMin, xMax)) parts.push(`<text x="${x(t)}" y="${f.height - f.bottom + 14}" text-anchor="middle" font-size="10">${fmt(t)}</text>`);
  opts.series.forEach((s, si) => {
    const pts = s.x.map((xv, i) => [xv, tr(s.y[i]!)] as const).filter(([, yv]) => Number.isFinite(yv));
    const d = pts.map(([xv, yv], i) => `${i ? 'L' : 'M'}${x(xv).toFixed(1)},${y(yv).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${PALETTE[si % PALETTE.length]}" stroke-width="1.5"/>`);
  });
  parts.push(legend(f, opts.series.map((s) => s.name)));
  return svg(f, parts.join(''));
}

/** Scatter plot (e.g. per-category AP against training image count, log x), coloured by group. */
export function scatterChart(opts: { title: string; xLabel: string; yLabel: string; points: { x: number; y: number; group: string; label: string }[]; logX?: boolean; groups: string[] }): string {
  const f = FRAME;
  const tx = (v: number) => (opts.logX ? Math.log10(Math.max(v, 1e-12)) : v);
  const pts = opts.points.filter((p) => p.y >= 0 && Number.isFinite(tx(p.x)));
  const xsT = pts.map((p) => tx(p.x));
  const xMin = Math.min(0, ...xsT), xMax = Math.max(xMin + 1, ...xsT);
  const x = (v: number) => f.left + ((tx(v) - xMin) / (xMax - xMin)) * (f.width - f.left - f.right);
  const y = (v: number) => f.top + (1 - v) * (f.height - f.top - f.bottom);
  const parts = [axes(f, opts.xLabel + (opts.logX ? ' (log10)' : ''), opts.yLabel, niceTicks(0, 1), y, opts.title)];
  for (const t of niceTicks(xMin, xMax)) {
    const px = f.left + ((t - xMin) / (xMax - xMin)) * (f.width - f.left - f.right);
    parts.push(`<text x="${px}" y="${f.height - f.bottom + 14}" text-anchor="middle" font-size="10">${opts.logX ? `10^${fmt(t)}` : fmt(t)}</text>`);
  }
  for (const p of pts) {
    const gi = Math.max(0, opts.groups.indexOf(p.group));
    parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3.5" fill="${PALETTE[gi % PALETTE.length]}" fill-opacity="0.8"><title>${escapeXml(`${p.label}: AP ${p.y.toFixed(3)}, ${p.x} images`)}</title></circle>`);
  }
  parts.push(legend(f, opts.groups));
  return svg(f, parts.join(''));
}
