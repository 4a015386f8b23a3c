/**
 * The view page's metric panels for one evaluation: the metrics table (and the CLI's text), the
 * APr/APc/APf bars, per-category AP against frequency, and the sortable per-category table.
 */
import { barChart, scatterChart } from '../report/svgCharts.js';
import type { EvalJobCategory, EvalJobResult } from './evalJob.js';

const FREQ_NAMES: Record<string, string> = { r: 'rare', c: 'common', f: 'frequent' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v: number | undefined): string {
  return v === undefined ? '' : v < 0 ? 'n/a' : v.toFixed(3);
}

function metricsTable(r: EvalJobResult): HTMLElement {
  const table = el('table', { id: 'metrics-table' });
  const keys = Object.keys(r.stats);
  const head = el('tr');
  const row = el('tr');
  for (const k of keys) {
    head.append(el('th', {}, k));
    row.append(el('td', { 'data-key': k }, fmt(r.stats[k])));
  }
  table.append(head, row);
  return table;
}

/** Per-frequency bars (LVIS); COCO results have no frequency groups. */
function frequencyBars(r: EvalJobResult): string {
  const groups = ['APr', 'APc', 'APf'];
  const values = groups.map((g) => r.stats[g] ?? -1);
  return barChart({ title: `AP by category frequency (${r.iouType})`, groups, series: [{ name: r.iouType, values }], yLabel: 'AP', yMax: 1 });
}

/** Per-category AP against the category's training image count (LVIS `image_count`; else GT instances). */
function apVsFrequency(r: EvalJobResult): string {
  const byImages = r.perCategory.some((c) => c.imageCount !== undefined);
  const groups = r.semantics === 'lvis-api' ? ['rare', 'common', 'frequent'] : ['all'];
  const points = r.perCategory
    .filter((c) => c.AP >= 0)
    .map((c) => ({
      x: Math.max(1, byImages ? (c.imageCount ?? 0) : c.numGt),
      y: c.AP,
      group: r.semantics === 'lvis-api' ? (FREQ_NAMES[c.frequency ?? ''] ?? 'all') : 'all',
      label: c.name,
    }));
  return scatterChart({
    title: `Per-category AP against frequency (${r.iouType})`,
    xLabel: byImages ? 'training images (image_count)' : 'ground-truth instances',
    yLabel: 'AP',
    points,
    logX: true,
    groups,
  });
}

type Column = { key: keyof EvalJobCategory; label: string; numeric: boolean };

const COLUMNS: Column[] = [
  { key: 'id', label: 'id', numeric: true },
  { key: 'name', label: 'name', numeric: false },
  { key: 'frequency', label: 'freq', numeric: false },
  { key: 'imageCount', label: 'image_count', numeric: true },
  { key: 'numGt', label: 'GT', numeric: true },
  { key: 'numDt', label: 'detections', numeric: true },
  { key: 'AP', label: 'AP', numeric: true },
  { key: 'AP50', label: 'AP50', numeric: true },
  { key: 'AP75', label: 'AP75', numeric: true },
  { key: 'AR', label: 'AR', numeric: true },
];

/** The per-category table; clicking a header sorts by it (again: reverses). */
function categoryTable(r: EvalJobResult): HTMLElement {
  const cols = COLUMNS.filter((c) => r.perCategory.some((p) => p[c.key] !== undefined));
  const table = el('table', { id: 'categories' });
  const head = el('tr');
  const body = el('tbody');
  let sortKey: keyof EvalJobCategory = 'id';
  let dir = 1;
  const render = () => {
    const col = cols.find((c) => c.key === sortKey)!;
    const rows = r.perCategory.slice().sort((a, b) => {
      const va = a[sortKey], vb = b[sortKey];
      if (col.numeric) return dir * (((va as number | undefined) ?? -Infinity) - ((vb as number | undefined) ?? -Infinity)) || a.id - b.id;
      return dir * String(va ?? '').localeCompare(String(vb ?? '')) || a.id - b.id;
    });
    body.replaceChildren(
      ...rows.map((c) => {
        const tr = el('tr', { 'data-id': String(c.id) });
        for (const k of cols) {
          const v = c[k.key];
          const text = typeof v === 'number' ? (['AP', 'AP50', 'AP75', 'AR'].includes(k.key) ? fmt(v) : String(v)) : String(v ?? '');
          tr.append(el('td', k.numeric ? {} : { class: 'name' }, text));
        }
        return tr;
      }),
    );
    head.querySelectorAll('th').forEach((th) => {
      if (th.dataset['key'] === sortKey) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  };
  for (const c of cols) {
    const th = el('th', { 'data-key': c.key, class: c.numeric ? '' : 'name', title: 'sort' }, c.label);
    th.addEventListener('click', () => {
      dir = sortKey === c.key ? -dir : c.numeric ? -1 : 1;
      sortKey = c.key;
      render();
    });
    head.append(th);
  }
  table.append(el('thead'), body);
  table.tHead!.append(head);
  render();
  return table;
}

/** Fills `root` with the panels of one evaluation. */
export function renderResults(root: HTMLElement, r: EvalJobResult): void {
  const summary = el(
    'p',
    { class: 'muted' },
    `${r.semantics} semantics, ${r.iouType}: ${r.counts.images} images, ${r.counts.categories} categories, ` +
      `${r.counts.detections} detections; parsed in ${(r.ms.parse / 1000).toFixed(2)} s, evaluated in ${(r.ms.evaluate / 1000).toFixed(2)} s (in this browser)`,
  );
  const charts = el('div', { class: 'charts' });
  if (r.semantics === 'lvis-api') charts.insertAdjacentHTML('beforeend', `<div id="bars">${frequencyBars(r)}</div>`);
  charts.insertAdjacentHTML('beforeend', `<div id="scatter">${apVsFrequency(r)}</div>`);
  const scroll = el('div', { class: 'scroll' });
  scroll.append(categoryTable(r));
  const text = el('pre', { class: 'stats', id: 'stats-text' }, r.text);
  root.replaceChildren(
    el('h2', {}, `Metrics (${r.iouType})`),
    summary,
    metricsTable(r),
    text,
    el('h2', {}, 'Charts'),
    charts,
    el('h2', {}, 'Per category'),
    el('p', { class: 'muted' }, 'Click a column to sort.'),
    scroll,
  );
}
