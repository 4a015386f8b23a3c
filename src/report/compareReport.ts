/**
 * `compare.html`: one self-contained page — per family of the task's metric set (detection: mask
 * and box), the methods' test-split table (mean ± standard deviation over seeds), the paired
 * bootstrap interval of each method's difference to the baseline, bucket bars with error bars,
 * per-category values against training images for every method, and training time per method.
 */
import { formatApPercent, formatPercentPoints } from '../eval/percent.js';
import { familyOf } from './compareMetrics.js';
import type { CompareSummary } from './compareSummary.js';
import { barChart, escapeXml, scatterChart } from './svgCharts.js';

function pm(mean: number | undefined, std: number | undefined): string {
  if (mean === undefined || mean < 0) return '<td class="na">n/a</td>';
  return `<td>${formatApPercent(mean)}<span class="sd"> ± ${formatPercentPoints(std ?? 0)}</span></td>`;
}

function ci(v: { difference: number; low: number; high: number } | undefined): string {
  if (!v) return '<td></td>';
  const sig = v.low > 0 ? ' class="up"' : v.high < 0 ? ' class="down"' : '';
  return `<td${sig}>${formatPercentPoints(v.difference)} <span class="sd">[${formatPercentPoints(v.low)}, ${formatPercentPoints(v.high)}]</span></td>`;
}

export function renderCompareReport(s: CompareSummary): string {
  const set = s.metrics;
  const methods = s.methods.filter((m) => m.runs.length > 0);
  const parts: string[] = [];
  parts.push(`<p>Task: ${escapeXml(set.task)}. Split: <b>${s.split}</b> (held out; settings are chosen on val). Preset: ${escapeXml(s.preset)}. Seeds: ${s.seeds}. Baseline: <b>${escapeXml(s.baseline)}</b>.${s.complete ? '' : ' <b>Incomplete</b>: some runs have not finished (rerun with --resume, or the missing shards).'}</p>`);
  const bucketKeys = [...set.buckets.map((b) => b.key), set.headline];
  for (const fam of set.families) {
    const rows = methods
      .filter((m) => familyOf(m.mean, fam.key))
      .map((m) => {
        const mean = familyOf(m.mean, fam.key)!, std = familyOf(m.std, fam.key) ?? {};
        return `<tr><th title="${escapeXml(m.summary)}">${escapeXml(m.name)}</th><td>${m.runs.length}</td>${set.columns.map((k) => pm(mean[k], std[k])).join('')}${set.bootstrap.map((k) => ci(m.vsBaseline?.[`${fam.key}.${k}`])).join('')}</tr>`;
      })
      .join('');
    if (!rows) continue;
    parts.push(
      `<h2>${escapeXml(fam.label)} ${escapeXml(set.unit)} on test (×100, mean ± std over seeds)</h2><table><thead><tr><th>method</th><th>runs</th>${set.columns.map((k) => `<th>${escapeXml(k)}</th>`).join('')}${set.bootstrap.map((k) => `<th>Δ${escapeXml(k)} vs ${escapeXml(s.baseline)} [95 % CI]</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  parts.push(
    `<p class="note">Δ: mean over seeds and categories of ${escapeXml(set.unit)}(method) − ${escapeXml(set.unit)}(baseline), with a paired two-level bootstrap interval (seeds, then categories of the bucket, drawn with replacement; 2,000 replicates). Green: the interval lies above 0; red: below.</p>`,
  );
  for (const fam of set.families) {
    const withFam = methods.filter((m) => familyOf(m.mean, fam.key));
    if (!withFam.length) continue;
    parts.push(
      barChart({
        title: `${fam.label} ${set.unit} by frequency bucket (test; error bars: std over seeds)`,
        groups: bucketKeys,
        series: withFam.map((m) => ({
          name: m.name,
          values: bucketKeys.map((k) => familyOf(m.mean, fam.key)![k] ?? -1),
          errors: bucketKeys.map((k) => familyOf(m.std, fam.key)?.[k] ?? 0),
        })),
        yLabel: set.unit,
      }),
    );
  }
  const groups = methods.map((m) => m.name);
  const fam = set.families.find((f) => methods.some((m) => familyOf(m.mean, f.key))) ?? set.families[0]!;
  parts.push(
    scatterChart({
      title: `Per-category ${fam.label.toLowerCase()} ${set.unit} (test, mean over seeds) against training images`,
      xLabel: 'training images',
      yLabel: set.unit,
      logX: true,
      groups,
      points: methods.flatMap((m) => {
        const cats = m.runs[0]!.perCategory;
        return cats.map((c, i) => {
          const vals = m.runs.map((r) => r.perCategory[i]?.[fam.key]).filter((v): v is number => typeof v === 'number' && v >= 0);
          const y = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : -1;
          return { x: c.trainImages, y, group: m.name, label: `${m.name}: ${c.name}` };
        });
      }),
    }),
  );
  parts.push(
    barChart({
      title: 'Training wall time per run (seconds; stage 2: its own run only)',
      groups: methods.map((m) => m.name),
      series: [{ name: 'seconds', values: methods.map((m) => m.seconds) }],
      yLabel: 's',
      yMax: Math.max(1, ...methods.map((m) => m.seconds)) * 1.15,
      valueLabel: (v) => v.toFixed(0),
    }),
  );
  const methodRows = s.methods.map((m) => `<tr><th>${escapeXml(m.name)}</th><td>${escapeXml(m.summary)}</td><td><code>${escapeXml(m.config)}</code></td><td>${m.from ? escapeXml(m.from) : ''}</td></tr>`).join('');
  parts.push(`<h2>Methods</h2><table><thead><tr><th>name</th><th>what</th><th>config</th><th>stage 1</th></tr></thead><tbody>${methodRows}</tbody></table>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>balms compare</title><style>
body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;font-size:13px}th{background:#f6f6f6}th:first-child{text-align:left}.sd{color:#888;font-size:11px}.na{color:#999}.up{background:#e6f4ea}.down{background:#fdecea}.note{color:#666;font-size:12px}svg{margin:8px 8px 8px 0}
</style></head><body><h1>balms compare</h1>${parts.join('\n')}</body></html>\n`;
}
