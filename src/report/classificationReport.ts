/**
 * The HTML report of an image-classification evaluation: the summary (top-1, many / medium / few,
 * tail), per-class accuracy against training count (log x, coloured by shot group, from
 * `svgCharts`), per-class accuracy bars, and the confusion matrix as a heat-mapped table
 * (rows: true class; each cell's shade is its share of the row).
 */
import { formatClassificationMetrics, shotGroup, type ClassificationMetrics } from '../eval/classificationMetrics.js';
import { barChart, escapeXml, scatterChart } from './svgCharts.js';

function confusionTable(m: ClassificationMetrics): string {
  const names = m.perClass.map((p) => escapeXml(p.name));
  const head = `<tr><th>true \\ predicted</th>${names.map((n) => `<th>${n}</th>`).join('')}</tr>`;
  const rows = m.confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((v) => {
      const share = v / total;
      return `<td style="background:rgba(31,119,180,${share.toFixed(3)});color:${share > 0.5 ? '#fff' : '#000'}">${v}</td>`;
    });
    return `<tr><th>${names[t]} (${m.perClass[t]!.trainCount})</th>${cells.join('')}</tr>`;
  });
  return `<table class="confusion">${head}${rows.join('')}</table>`;
}

/** A standalone HTML page for `metrics` (from `classificationMetrics`) on `split`. */
export function renderClassificationReport(m: ClassificationMetrics, opts: { title: string; split: string }): string {
  const scatter = scatterChart({
    title: 'Per-class accuracy against training images',
    xLabel: 'training images',
    yLabel: 'accuracy',
    logX: true,
    groups: ['many', 'medium', 'few'],
    points: m.perClass.filter((p) => p.accuracy !== null).map((p) => ({ x: p.trainCount, y: p.accuracy!, group: shotGroup(p.trainCount), label: p.name })),
  });
  const bars = barChart({
    title: 'Per-class accuracy (classes by training count)',
    groups: m.perClass.map((p) => `${p.name} (${p.trainCount})`),
    series: [{ name: 'accuracy', values: m.perClass.map((p) => p.accuracy ?? -1) }],
    yLabel: 'accuracy',
    yMax: 1,
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(opts.title)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}table.confusion{border-collapse:collapse;font-size:12px}
table.confusion td,table.confusion th{border:1px solid #ccc;padding:3px 6px;text-align:right}</style></head><body>
<h1>${escapeXml(opts.title)}</h1>
<p>${escapeXml(opts.split)} split, ${m.images} images: ${escapeXml(formatClassificationMetrics(m))}. Many / medium / few: classes with &gt; 100, 20–100, &lt; 20 training images; tail: ≤ 100.</p>
${scatter}
${bars}
<h2>Confusion matrix</h2>
${confusionTable(m)}
</body></html>
`;
}
