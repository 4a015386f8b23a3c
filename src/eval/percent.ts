/**
 * Metrics in [0, 1] printed as percentages with one decimal, the way every table and log of balms
 * shows AP, AR and accuracy ("28.9"). An undefined metric — lvis-api's −1, or null / absent — is
 * "n/a". `width` pads on the left for aligned columns.
 */
export function formatApPercent(v: number | null | undefined, width = 0): string {
  return (v === null || v === undefined || v < 0 ? 'n/a' : (v * 100).toFixed(1)).padStart(width);
}

/** A signed difference of two metrics (or a spread) in percentage points, one decimal ("-1.3"). */
export function formatPercentPoints(v: number): string {
  return (v * 100).toFixed(1);
}
