/** The printed Fixed / Pooled AP lines, against hand-written lines in lvis-api's `print_results` layout. */
import { describe, expect, it } from 'vitest';
import { formatApPercent, formatFixedApStats, formatLvisStats, formatPercentPoints, formatPooledApStats, type LvisEvalResult } from '../../src/eval/index.js';

const iouThrs = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);
const result = (maxDets: number): LvisEvalResult =>
  ({ stats: { AP: 0.2894, AP50: 0.44, APr: -1, 'AR@all': 0.5 }, params: { iouThrs, maxDets: [maxDets] } }) as unknown as LvisEvalResult;

describe('AP text', () => {
  it('Fixed AP: the AP rows only, the limit written K/cat', () => {
    expect(formatFixedApStats(result(-1), 8)).toBe(
      ' AP       Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=8 catIds=all] =  0.289\n' +
        ' AP50     Average Precision  (AP) @[ IoU=0.50      | area=   all | K/cat=8 catIds=all] =  0.440\n' +
        ' APr      Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=8 catIds=  r] = -1.000\n',
    );
  });

  it('standard LVIS: maxDets padded to 3, AR rows kept', () => {
    expect(formatLvisStats(result(300)).split('\n')[3]).toBe(' AR@all   Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=300 catIds=all] =  0.500');
  });

  it('Pooled AP: one line per pool', () => {
    expect(formatPooledApStats({ 'AP-pooled-all': 0.25, 'AP-pooled-r': -1, 'AP-pooled-c': 0.125, 'AP-pooled-f': 0.5 }, 10000)).toBe(
      ' AP-pooled-all Pooled Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=10000 catIds=all] =  0.250\n' +
        ' AP-pooled-r   Pooled Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=10000 catIds=  r] = -1.000\n' +
        ' AP-pooled-c   Pooled Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=10000 catIds=  c] =  0.125\n' +
        ' AP-pooled-f   Pooled Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | K/cat=10000 catIds=  f] =  0.500\n',
    );
  });

  it('AP as a percentage: one decimal, lvis-api −1 / null / absent as n/a, padded on request', () => {
    expect([0.2894, 0.00049, 1, 0, -1, null, undefined].map((v) => formatApPercent(v))).toEqual(['28.9', '0.0', '100.0', '0.0', 'n/a', 'n/a', 'n/a']);
    expect(formatApPercent(0.5, 6)).toBe('  50.0');
    expect(formatApPercent(-1, 6)).toBe('   n/a');
    expect(formatPercentPoints(-0.0134)).toBe('-1.3');
  });
});
