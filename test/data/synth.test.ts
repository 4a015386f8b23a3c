import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LvisDataset } from '../../src/coco/types.js';
import { decodeRowMajor, frPoly, merge } from '../../src/coco/mask/index.js';
import {
  DEFAULT_SYNTH_OPTIONS,
  DetectionDataset,
  decodeImageFile,
  frequencyOf,
  planSynthDataset,
  renderSynthImage,
  writeSynthDataset,
  type SynthSummary,
} from '../../src/data/index.js';

let dir: string;
let summary: SynthSummary;
let train: LvisDataset;
let val: LvisDataset;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'balms-synth-'));
  summary = await writeSynthDataset(dir, DEFAULT_SYNTH_OPTIONS);
  train = JSON.parse(readFileSync(summary.trainJson, 'utf8')) as LvisDataset;
  val = JSON.parse(readFileSync(summary.valJson, 'utf8')) as LvisDataset;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthetic dataset at the default size', () => {
  it('lands every category in its intended LVIS frequency bucket', () => {
    const plan = planSynthDataset(DEFAULT_SYNTH_OPTIONS);
    expect(summary.unplaced).toBe(0);
    const counts = { r: 0, c: 0, f: 0 };
    for (const c of train.categories) {
      const intended = plan.categories.find((p) => p.id === c.id)!.intended;
      expect(c.frequency, `${c.name}: ${c.image_count} images`).toBe(intended);
      counts[c.frequency!]++;
    }
    expect(counts).toEqual({ r: 7, c: 9, f: 8 });
  });

  it('computes image_count, instance_count and frequency from the train annotations', () => {
    for (const c of train.categories) {
      const anns = train.annotations.filter((a) => a.category_id === c.id);
      expect(c.instance_count).toBe(anns.length);
      expect(c.image_count).toBe(new Set(anns.map((a) => a.image_id)).size);
      expect(c.frequency).toBe(c.image_count! > 100 ? 'f' : c.image_count! > 10 ? 'c' : 'r');
    }
    expect(val.categories).toEqual(train.categories);
    expect([frequencyOf(1), frequencyOf(10), frequencyOf(11), frequencyOf(100), frequencyOf(101)]).toEqual(['r', 'r', 'c', 'c', 'f']);
  });

  it('gives every category at least 5 val instances (APr is measurable)', () => {
    for (const c of val.categories) expect(val.annotations.filter((a) => a.category_id === c.id).length, c.name).toBeGreaterThanOrEqual(5);
  });

  it('fills the federated fields consistently', () => {
    for (const ds of [train, val]) {
      let negs = 0;
      let notEx = 0;
      for (const img of ds.images) {
        const pos = new Set(ds.annotations.filter((a) => a.image_id === img.id).map((a) => a.category_id));
        for (const n of img.neg_category_ids!) expect(pos.has(n)).toBe(false);
        for (const n of img.not_exhaustive_category_ids!) expect(pos.has(n)).toBe(true);
        negs += img.neg_category_ids!.length;
        notEx += img.not_exhaustive_category_ids!.length;
      }
      expect(negs).toBeGreaterThan(0);
      expect(notEx).toBeGreaterThan(0);
    }
    const ids = [...train.images, ...val.images].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes exactly the rendered pixels, and the JSON polygons ARE the rendered shapes', async () => {
    const plan = planSynthDataset(DEFAULT_SYNTH_OPTIONS);
    const apps = plan.categories.map((c) => c.appearance);
    const size = DEFAULT_SYNTH_OPTIONS.size;
    for (const spec of [...plan.train.slice(0, 12), ...plan.val.slice(0, 12)]) {
      const isVal = spec.id > DEFAULT_SYNTH_OPTIONS.trainImages;
      const ds = isVal ? val : train;
      const r = renderSynthImage(spec, apps, size);
      const img = await decodeImageFile(join(isVal ? summary.valImageDir : summary.trainImageDir, ds.images.find((i) => i.id === spec.id)!.file_name!));
      for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) if (img.data[p * 3 + c] !== r.rgba[p * 4 + c]) throw new Error(`image ${spec.id} pixel ${p} differs`);
      const anns = ds.annotations.filter((a) => a.image_id === spec.id);
      const annotated = r.objects.map((o, k) => ({ o, k })).filter(({ o }) => o.annotated && o.polygon);
      expect(anns.length).toBe(annotated.length);
      annotated.forEach(({ o, k }, j) => {
        const ann = anns[j]!;
        expect(ann.category_id).toBe(plan.categories[o.category]!.id);
        expect(ann.segmentation).toEqual([o.polygon]);
        // pycocotools-exact rasterisation of the polygon as read from JSON = the pixels the object covers
        const polys = ann.segmentation as number[][];
        const mask = decodeRowMajor(merge(polys.map((q) => frPoly(q, size, size))));
        for (let p = 0; p < size * size; p++) if ((mask[p] === 1) !== (r.labels[p] === k)) throw new Error(`annotation ${ann.id}: pixel ${p} disagrees`);
      });
    }
  });

  it('loads back through DetectionDataset with the same polygons', async () => {
    const ds = new DetectionDataset(train, summary.trainImageDir);
    for (const id of ds.imageIds.slice(0, 5)) {
      const anns = train.annotations.filter((a) => a.image_id === id);
      expect(ds.instances(id).polygons).toEqual(anns.map((a) => a.segmentation));
      const ex = await ds.example(id, { shortSide: 0, maxSize: 0, flipProbability: 0, pixelStats: null }, new (await import('../../src/util/rng.js')).Rng(0));
      expect(ex.image.length).toBe(128 * 128 * 3);
    }
  });

  it('writes images within the budget (sizes and file count)', () => {
    expect(readdirSync(summary.trainImageDir)).toHaveLength(DEFAULT_SYNTH_OPTIONS.trainImages);
    expect(readdirSync(summary.valImageDir)).toHaveLength(DEFAULT_SYNTH_OPTIONS.valImages);
    expect(summary.bytes).toBeLessThan(80e6);
  });
});

describe('synthetic generation is seeded', () => {
  it('same seed → same plan and pixels; another seed → different', () => {
    const small = { ...DEFAULT_SYNTH_OPTIONS, trainImages: 30, valImages: 10, categories: 6, size: 64 };
    const a = planSynthDataset(small);
    const b = planSynthDataset(small);
    const c = planSynthDataset({ ...small, seed: 1 });
    expect(b).toEqual(a);
    expect(c.train).not.toEqual(a.train);
    const apps = a.categories.map((x) => x.appearance);
    expect(renderSynthImage(a.train[3]!, apps, 64)).toEqual(renderSynthImage(b.train[3]!, apps, 64));
  });
});
