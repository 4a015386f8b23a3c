import type { CocoEvalResult } from './cocoEval.js';
import type { LvisEvalResult, PooledStats } from './lvisEval.js';

function fmt(v: number): string {
  return v.toFixed(3).padStart(6);
}

/** lvis-api `print_results` lines: one per metric, with IoU, area, maxDets and category group. */
export function formatLvisStats(r: LvisEvalResult): string {
  const md = r.params.maxDets[0] >= 0 ? String(r.params.maxDets[0]) : 'all';
  return lvisLines(r, Object.entries(r.stats), `maxDets=${md.padStart(3)}`);
}

/**
 * Fixed AP (Dave et al. 2021: the top `detsPerCategory` detections of each category, no per-image
 * cap) in lvis-api's line format, AP rows only, the limit written `K/cat=…`.
 */
export function formatFixedApStats(r: LvisEvalResult, detsPerCategory: number): string {
  return lvisLines(r, Object.entries(r.stats).filter(([k]) => k.startsWith('AP')), `K/cat=${detsPerCategory}`);
}

/** Pooled AP (Dave et al. 2021) per pool, one line each, in lvis-api's line format. */
export function formatPooledApStats(pooled: PooledStats, detsPerCategory: number): string {
  return Object.entries(pooled).map(([k, v]) => {
    const pool = k.slice('AP-pooled-'.length);
    return ` ${k.padEnd(13)} Pooled Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=${detsPerCategory} catIds=${pool.padStart(3)}] = ${fmt(v)}`;
  }).join('\n') + '\n';
}

function lvisLines(r: LvisEvalResult, entries: [string, number][], limit: string): string {
  const thr = r.params.iouThrs;
  const lines: string[] = [];
  for (const [key, value] of entries) {
    const isAp = key.startsWith('AP');
    const title = isAp ? 'Average Precision  (AP)' : 'Average Recall     (AR)';
    const iou = /^AP\d/.test(key) ? (Number(key.slice(2)) / 100).toFixed(2) : `${thr[0].toFixed(2)}:${thr[thr.length - 1].toFixed(2)}`;
    const c2 = key[2] ?? '';
    const group = isAp && 'rcf'.includes(c2) && c2 ? c2 : 'all';
    const area = 'sml'.includes(c2) && c2 ? { s: 'small', m: 'medium', l: 'large' }[c2 as 's' | 'm' | 'l'] : 'all';
    lines.push(` ${key.padEnd(8)} ${title} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | ${limit} catIds=${group.padStart(3)}] = ${fmt(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** COCOeval `summarize` lines. */
export function formatCocoStats(r: CocoEvalResult): string {
  const [m0, m1, m2] = r.params.maxDets;
  const rows: [string, string, string, number][] = [
    ['AP', '0.50:0.95', 'all', m2], ['AP', '0.50', 'all', m2], ['AP', '0.75', 'all', m2],
    ['AP', '0.50:0.95', 'small', m2], ['AP', '0.50:0.95', 'medium', m2], ['AP', '0.50:0.95', 'large', m2],
    ['AR', '0.50:0.95', 'all', m0], ['AR', '0.50:0.95', 'all', m1], ['AR', '0.50:0.95', 'all', m2],
    ['AR', '0.50:0.95', 'small', m2], ['AR', '0.50:0.95', 'medium', m2], ['AR', '0.50:0.95', 'large', m2],
  ];
  const keys = Object.keys(r.stats);
  return rows
    .map(([kind, iou, area, md], i) => {
      const title = kind === 'AP' ? 'Average Precision  (AP)' : 'Average Recall     (AR)';
      return ` ${keys[i].padEnd(8)} ${title} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(md).padStart(3)} ] = ${fmt(r.statsArray[i])}`;
    })
    .join('\n') + '\n';
}
