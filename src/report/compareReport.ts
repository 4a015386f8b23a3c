/**
 * `compare.html`: one self-contained page — the methods' test-split AP table (mean ± standard
 * deviation over seeds, mask and box), the paired bootstrap interval of each method's difference to
 * the baseline, APr/APc/APf bars with error bars, per-category AP against training images for every
 * method, and training time per method.
 */
import type { CompareSummary } from './compareSummary.js';
import { barChart, escapeXml, scatterChart } from './svgCharts.js';

const KEYS = ['AP', 'APr', 'APc', 'APf', 'AP50', 'AP75'] as const;

function pm(mean: number | undefined, std: number | undefined): string {
  if (mean === undefined || mean < 0) return '<td class="na">n/a</td>';
  return `<td>${(mean * 100).toFixed(1)}<span class="sd"> ± ${((std ?? 0) * 100).toFixed(1)}</span></td>`;
}

function ci(v: { difference: number; low: number; high: number } | undefined): string {
  if (!v) return '<td></td>';
  const sig = v.low > 0 ? ' class="up"' : v.high < 0 ? ' class="down"' : '';
  return `<td${sig}>${(v.difference * 100).toFixed(1)} <span class="sd">[${(v.low * 100).toFixed(1)}, ${(v.high * 100).toFixed(1)}]</span></td>`;
}

export function renderCompareReport(s: CompareSummary): string {
  const methods = s.methods.filter((m) => m.runs.length > 0);
  const parts: string[] = [];
  parts.push(`<p>Split: <b>${s.split}</b> (held out; settings are chosen on val). Preset: ${escapeXml(s.preset)}. Seeds: ${s.seeds}. Baseline: <b>${escapeXml(s.baseline)}</b>.${s.complete ? '' : ' <b>Incomplete</b>: some runs have not finished (rerun with --resume).'}</p>`);
  for (const iou of ['segm', 'bbox'] as const) {
    const rows = methods
      .filter((m) => iou === 'bbox' || m.mean.segm)
      .map((m) => {
        const mean = m.mean[iou] as unknown as Record<string, number>, std = m.std[iou] as unknown as Record<string, number>;
        return `<tr><th title="${escapeXml(m.summary)}">${escapeXml(m.name)}</th><td>${m.runs.length}</td>${KEYS.map((k) => pm(mean[k], std[k])).join('')}${ci(m.vsBaseline?.[`${iou}.AP`])}${ci(m.vsBaseline?.[`${iou}.APr`])}</tr>`;
      })
      .join('');
    parts.push(
      `<h2>${iou === 'segm' ? 'Mask' : 'Box'} AP on test (×100, mean ± std over seeds)</h2><table><thead><tr><th>method</th><th>runs</th>${KEYS.map((k) => `<th>${k}</th>`).join('')}<th>ΔAP vs ${escapeXml(s.baseline)} [95 % CI]</th><th>ΔAPr [95 % CI]</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  parts.push(
    '<p class="note">Δ: mean over seeds and categories of AP(method) − AP(baseline), with a paired two-level bootstrap interval (seeds, then categories of the bucket, drawn with replacement; 2,000 replicates). Green: the interval lies above 0; red: below.</p>',
  );
  for (const iou of ['segm', 'bbox'] as const) {
    const withIou = methods.filter((m) => iou === 'bbox' || m.mean.segm);
    parts.push(
      barChart({
        title: `${iou === 'segm' ? 'Mask' : 'Box'} AP by frequency bucket (test; error bars: std over seeds)`,
        groups: ['APr', 'APc', 'APf', 'AP'],
        series: withIou.map((m) => ({
          name: m.name,
          values: ['APr', 'APc', 'APf', 'AP'].map((k) => (m.mean[iou] as unknown as Record<string, number>)[k] ?? -1),
          errors: ['APr', 'APc', 'APf', 'AP'].map((k) => (m.std[iou] as unknown as Record<string, number>)[k] ?? 0),
        })),
        yLabel: 'AP',
      }),
    );
  }
  const groups = methods.map((m) => m.name);
  parts.push(
    scatterChart({
      title: 'Per-category mask AP (test, mean over seeds) against training images',
      xLabel: 'training images',
      yLabel: 'AP',
      logX: true,
      groups,
      points: methods.flatMap((m) => {
        const cats = m.runs[0]!.perCategory;
        return cats.map((c, i) => {
          const vals = m.runs.map((r) => r.perCategory[i]?.segm ?? -1).filter((v) => v >= 0);
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
