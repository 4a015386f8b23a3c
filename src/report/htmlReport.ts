/**
 * The training/evaluation report: one self-contained HTML file (inline SVG charts, PNG images as data
 * URIs) with the AP table by bucket, APr/APc/APf bars, per-category AP against training frequency,
 * the loss curve and a few val images with predicted masks.
 */
import { formatApPercent } from '../eval/percent.js';
import { barChart, escapeXml, lineChart, scatterChart } from './svgCharts.js';

export type MetricTable = Record<string, number>;

export interface ReportCategory {
  id: number;
  name: string;
  frequency: string;
  /** Number of training images containing the category. */
  trainImages: number;
  apBbox?: number;
  apSegm?: number;
}

export interface ReportData {
  title: string;
  createdAt: string;
  metrics: { bbox?: MetricTable; segm?: MetricTable };
  perCategory?: ReportCategory[];
  /** Training curves: iteration and named scalar series (e.g. total_loss, loss_cls, lr). */
  curves?: { iteration: number[]; series: Record<string, number[]> };
  images?: { caption: string; pngBase64: string }[];
  /** Other runs to compare with (e.g. the stage-1 baseline before BALMS's stage 2). */
  comparison?: { name: string; metrics: { bbox?: MetricTable; segm?: MetricTable } }[];
  environment?: Record<string, string | number>;
  config?: unknown;
  /** Paragraphs of plain text shown under the title (e.g. why a method was chosen). */
  notes?: string[];
}

const KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'APr', 'APc', 'APf', 'AR@300'];

function cell(v: number | undefined): string {
  if (v === undefined) return '<td></td>';
  if (v < 0) return '<td class="na">n/a</td>';
  return `<td>${formatApPercent(v)}</td>`;
}

function metricsTable(m: ReportData['metrics']): string {
  const rows = (['bbox', 'segm'] as const)
    .filter((k) => m[k])
    .map((k) => `<tr><th>${k}</th>${KEYS.map((key) => cell(m[k]![key])).join('')}</tr>`)
    .join('');
  return `<table><thead><tr><th></th>${KEYS.map((k) => `<th>${k}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** Renders the report as a complete HTML document. */
export function renderReport(d: ReportData): string {
  const sections: string[] = [];
  for (const n of d.notes ?? []) sections.push(`<p class="note">${escapeXml(n)}</p>`);
  sections.push(`<h2>Average precision (×100)</h2>${metricsTable(d.metrics)}<p class="note">LVIS metrics (lvis-api semantics): AP at IoU .50:.95, 300 detections per image; APr/APc/APf average over rare (1–10 training images), common (11–100) and frequent (&gt;100) categories. n/a: undefined (no ground truth in that bucket).</p>`);
  const types = (['bbox', 'segm'] as const).filter((k) => d.metrics[k]);
  if (types.length) {
    sections.push(
      barChart({
        title: 'AP by frequency bucket',
        groups: ['APr', 'APc', 'APf', 'AP'],
        series: types.map((t) => ({ name: t, values: ['APr', 'APc', 'APf', 'AP'].map((k) => d.metrics[t]![k] ?? -1) })),
        yLabel: 'AP',
        yMax: Math.max(0.05, ...types.flatMap((t) => ['APr', 'APc', 'APf', 'AP'].map((k) => d.metrics[t]![k] ?? 0))) * 1.15,
      }),
    );
  }
  if (d.comparison?.length) {
    const rows = d.comparison
      .flatMap((r) => (['bbox', 'segm'] as const).filter((k) => r.metrics[k]).map((k) => `<tr><th class="l">${escapeXml(r.name)}</th><th>${k}</th>${KEYS.map((key) => cell(r.metrics[k]![key])).join('')}</tr>`))
      .join('');
    sections.push(`<h2>Runs compared (×100)</h2><table><thead><tr><th></th><th></th>${KEYS.map((k) => `<th>${k}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`);
    const withSegm = d.comparison.filter((r) => r.metrics.segm);
    if (withSegm.length) {
      sections.push(
        barChart({
          title: 'Mask AP by frequency bucket, per run',
          groups: ['APr', 'APc', 'APf', 'AP'],
          series: withSegm.map((r) => ({ name: r.name, values: ['APr', 'APc', 'APf', 'AP'].map((k) => r.metrics.segm![k] ?? -1) })),
          yLabel: 'mask AP',
          yMax: Math.max(0.05, ...withSegm.flatMap((r) => ['APr', 'APc', 'APf', 'AP'].map((k) => r.metrics.segm![k] ?? 0))) * 1.15,
        }),
      );
    }
  }
  if (d.perCategory?.length) {
    const useSegm = d.perCategory.some((c) => c.apSegm !== undefined);
    sections.push(
      scatterChart({
        title: `Per-category ${useSegm ? 'mask' : 'box'} AP against training frequency`,
        xLabel: 'training images',
        yLabel: 'AP',
        logX: true,
        groups: ['r', 'c', 'f'],
        points: d.perCategory.map((c) => ({ x: c.trainImages, y: (useSegm ? c.apSegm : c.apBbox) ?? -1, group: c.frequency, label: c.name })),
      }),
    );
    const rows = [...d.perCategory]
      .sort((a, b) => a.trainImages - b.trainImages)
      .map((c) => `<tr><td>${c.id}</td><td>${escapeXml(c.name)}</td><td>${escapeXml(c.frequency)}</td><td>${c.trainImages}</td>${cell(c.apBbox)}${cell(c.apSegm)}</tr>`)
      .join('');
    sections.push(`<details><summary>Per-category AP (${d.perCategory.length} categories)</summary><table><thead><tr><th>id</th><th>name</th><th>freq</th><th>train images</th><th>box AP</th><th>mask AP</th></tr></thead><tbody>${rows}</tbody></table></details>`);
  }
  if (d.curves && d.curves.iteration.length) {
    const { iteration, series } = d.curves;
    const lossNames = Object.keys(series).filter((k) => k.startsWith('loss') || k === 'total_loss');
    sections.push(lineChart({ title: 'Training loss', xLabel: 'iteration', yLabel: 'loss', series: lossNames.map((n) => ({ name: n, x: iteration, y: series[n]! })) }));
    if (series['lr']) sections.push(lineChart({ title: 'Learning rate', xLabel: 'iteration', yLabel: 'lr', series: [{ name: 'lr', x: iteration, y: series['lr'] }] }));
  }
  if (d.images?.length) {
    sections.push(`<h2>Validation images with predicted masks</h2><div class="grid">${d.images
      .map((im) => `<figure><img src="data:image/png;base64,${im.pngBase64}" alt="${escapeXml(im.caption)}"/><figcaption>${escapeXml(im.caption)}</figcaption></figure>`)
      .join('')}</div>`);
  }
  if (d.environment) {
    sections.push(`<h2>Run</h2><table>${Object.entries(d.environment).map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td class="l">${escapeXml(String(v))}</td></tr>`).join('')}</table>`);
  }
  if (d.config !== undefined) {
    sections.push(`<details><summary>Config</summary><pre>${escapeXml(JSON.stringify(d.config, null, 2))}</pre></details>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(d.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;font-size:13px}
td.l,th.l{text-align:left}td.na{color:#999}th{background:#f5f5f5}.note{color:#666;font-size:12px}
svg{margin:8px 8px 8px 0}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}img{image-rendering:pixelated;width:256px;border:1px solid #ccc}
figcaption{font-size:11px;color:#555;max-width:256px}
</style></head><body>
<h1>${escapeXml(d.title)}</h1><p class="note">${escapeXml(d.createdAt)}</p>
${sections.join('\n')}
</body></html>
`;
}
