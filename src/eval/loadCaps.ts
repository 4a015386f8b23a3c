import { countingSortBy, stableSortByKeyDesc } from './indexSort.js';

/**
 * The caps applied when results are loaded, before any filter: lvis-api's per-image top
 * `perImage` (`LVISResults(max_dets)`), or Fixed AP's per-category top `perCategory` over the whole
 * results file (Dave et al. 2021, `scripts/evaluate_ap_fixed.py`: results grouped by category in
 * order of first appearance, each group sorted by score — stable, so ties keep file order — and cut).
 * Clears `keep[i]` for every result cut; returns the index of the result lvis-api then sees first
 * (its keys pick the loading branch).
 */
export function applyLoadCaps(
  resImg: Int32Array, resScore: Float64Array, categoryIds: ArrayLike<unknown>, numImages: number,
  perImage: number, perCategory: number | undefined, keep: Uint8Array,
): number {
  const R = resImg.length;
  if (R === 0) return 0;
  if (perCategory !== undefined) {
    const g = groupsOfCategories(categoryIds);
    capPerGroup(g, resScore, perCategory, keep);
    // Every group is sorted (not only those over the cap): the first is the top of result 0's category.
    let first = 0;
    for (let i = 1; i < R; i++) if (g.group[i] === 0 && resScore[i] > resScore[first]) first = i;
    return perCategory > 0 ? first : 0;
  }
  if (perImage < 0) return 0;
  return capPerGroup({ group: resImg, numGroups: numImages }, resScore, perImage, keep);
}

/** Dense group numbers for the results' category ids, in order of first appearance. */
function groupsOfCategories(categoryIds: ArrayLike<unknown>): { group: Int32Array; numGroups: number } {
  const index = new Map<unknown, number>();
  const group = new Int32Array(categoryIds.length);
  for (let i = 0; i < categoryIds.length; i++) {
    const c = categoryIds[i];
    let g = index.get(c);
    if (g === undefined) index.set(c, (g = index.size));
    group[i] = g;
  }
  return { group, numGroups: index.size };
}

/**
 * Keeps the top `cap` results of each group (stable by score, descending); groups within the cap
 * keep file order. Returns the first result of the reordered list lvis-api builds (groups in order
 * of first appearance, so the group of result 0).
 */
function capPerGroup(g: { group: Int32Array; numGroups: number }, score: Float64Array, cap: number, keep: Uint8Array): number {
  const R = g.group.length;
  const count = new Uint32Array(g.numGroups);
  for (let i = 0; i < R; i++) count[g.group[i]]++;
  let over = false;
  for (let k = 0; k < g.numGroups; k++) if (count[k] > cap) over = true;
  if (!over) return 0;
  const all = new Uint32Array(R);
  for (let i = 0; i < R; i++) all[i] = i;
  const starts = new Uint32Array(g.numGroups + 1);
  const byGroup = countingSortBy(all, g.group, g.numGroups, undefined, starts);
  const tmp = new Uint32Array(R);
  let first = 0;
  for (let k = 0; k < g.numGroups; k++) {
    if (count[k] <= cap) continue;
    const seg = byGroup.subarray(starts[k], starts[k + 1]);
    stableSortByKeyDesc(seg, score, tmp);
    for (let j = cap; j < seg.length; j++) keep[seg[j]] = 0;
    if (k === g.group[0]) first = cap > 0 ? seg[0] : 0;
  }
  return first;
}
