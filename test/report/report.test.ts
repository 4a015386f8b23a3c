import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/htmlReport.js';
import { drawOverlay } from '../../src/report/overlay.js';
import { barChart } from '../../src/report/svgCharts.js';

describe('renderReport', () => {
  const html = renderReport({
    title: 'demo <run>',
    createdAt: '2026-11-26',
    metrics: { bbox: { AP: 0.25, APr: -1, APc: 0.1, APf: 0.4 }, segm: { AP: 0.2, APr: 0.05, APc: 0.1, APf: 0.3 } },
    perCategory: [{ id: 1, name: 'ring', frequency: 'r', trainImages: 5, apBbox: 0.1, apSegm: 0.2 }],
    curves: { iteration: [0, 10, 20], series: { total_loss: [3, 2, 1], lr: [0.001, 0.01, 0.02] } },
    images: [{ caption: 'img 1', pngBase64: 'AAAA' }],
  });

  it('is a complete document with escaped text', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('demo &lt;run&gt;');
    expect(html).not.toContain('demo <run>');
  });

  it('shows the AP table (×100, n/a for −1), the charts and the images', () => {
    expect(html).toContain('<td>25.0</td>');
    expect(html).toContain('<td class="na">n/a</td>');
    expect((html.match(/<svg /g) ?? []).length).toBe(4); // buckets, per-category, loss, lr
    expect(html).toContain('data:image/png;base64,AAAA');
    expect(html).toContain('Training loss');
  });
});

describe('barChart', () => {
  it('draws one bar per defined value and n/a for undefined ones', () => {
    const s = barChart({ title: 't', groups: ['a', 'b'], series: [{ name: 's', values: [0.5, -1] }], yLabel: 'y' });
    expect((s.match(/<rect /g) ?? []).length).toBe(1);
    expect(s).toContain('n/a');
  });
});

describe('drawOverlay', () => {
  it('tints mask pixels, draws the box outline and leaves other pixels alone', () => {
    const h = 6, w = 6;
    const rgb = new Uint8Array(h * w * 3).fill(100);
    const mask = new Uint8Array(h * w);
    for (let y = 1; y < 5; y++) for (let x = 1; x < 5; x++) mask[y * w + x] = 1;
    const out = drawOverlay(rgb, h, w, [{ mask, bbox: [1, 1, 4, 4], colorIndex: 0 }]);
    expect(out.length).toBe(h * w * 4);
    expect(Array.from(out.slice(0, 4))).toEqual([100, 100, 100, 255]);
    const box = (1 * w + 1) * 4;
    expect(Array.from(out.slice(box, box + 3))).toEqual([230, 25, 75]);
    const inner = (2 * w + 2) * 4; // inside the mask, on no edge and inside the box outline
    expect(out[inner]).toBe(Math.round(100 * 0.55 + 230 * 0.45));
  });
});
