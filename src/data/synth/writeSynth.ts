import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../util/rng.js';
import { ensureDir } from '../../util/atomicWrite.js';
import { writeJsonFileAtomic } from '../../util/writeJsonAtomic.js';
import type { Frequency, LvisAnnotation, LvisCategory, LvisDataset, LvisImage } from '../../coco/types.js';
import { appearanceDefinition, appearanceName } from './appearance.js';
import { planSynthDataset, recordedSynthOptions, type SynthOptions, type SynthPlan } from './plan.js';
import { renderSynthImage, type SynthImageSpec } from './render.js';
import { encodePngRgb } from './png.js';
import { polygonArea, polygonExtent, round2 } from './shapes.js';

/** Bumped whenever generation changes what any seed produces (it is part of the cache key). */
export const SYNTH_GENERATOR_VERSION = 1;

/** File names inside a synthetic dataset folder. */
export const SYNTH_LAYOUT = {
  trainJson: 'lvis_synth_train.json',
  valJson: 'lvis_synth_val.json',
  testJson: 'lvis_synth_test.json',
  trainImages: 'train',
  valImages: 'val',
  testImages: 'test',
  manifest: 'synth.json',
} as const;

export interface SynthCategorySummary {
  id: number;
  name: string;
  intended: Frequency;
  frequency: Frequency;
  trainImages: number;
  trainInstances: number;
  valImages: number;
  valInstances: number;
  /** Present when the dataset has a test split. */
  testImages?: number;
  testInstances?: number;
}

/** What `writeSynthDataset` produced (also stored as `synth.json` in the folder). */
export interface SynthSummary {
  generatorVersion: number;
  options: SynthOptions;
  dir: string;
  trainJson: string;
  valJson: string;
  trainImageDir: string;
  valImageDir: string;
  /** The held-out test split (when `options.testImages` > 0). */
  testJson?: string;
  testImageDir?: string;
  trainImages: number;
  valImages: number;
  testImages: number;
  trainAnnotations: number;
  valAnnotations: number;
  testAnnotations: number;
  /** Objects that found no free spot and were dropped (normally 0). */
  unplaced: number;
  bytes: number;
  /** Wall-clock generation time. */
  seconds: number;
  /** CPU time of this process during generation (user + system): the wall time on an idle core. */
  cpuSeconds: number;
  categories: SynthCategorySummary[];
}

/** Maps a training image count to its LVIS bucket: rare 0–10 (0 only if it vanished), common 11–100, frequent > 100. */
export function frequencyOf(imageCount: number): Frequency {
  return imageCount > 100 ? 'f' : imageCount > 10 ? 'c' : 'r';
}

interface SplitResult {
  images: LvisImage[];
  annotations: LvisAnnotation[];
  unplaced: number;
  bytes: number;
}

/**
 * Generates the synthetic dataset and writes it to `dir`: `train/` and `val/` PNGs and
 * `lvis_synth_{train,val}.json` in LVIS format (readable by lvis-api), then `synth.json`, a
 * summary whose presence marks the folder complete. JSON files are written atomically, last.
 */
export async function writeSynthDataset(dir: string, options: SynthOptions, log?: (line: string) => void): Promise<SynthSummary> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const plan = planSynthDataset(options);
  const appearances = plan.categories.map((c) => c.appearance);
  const trainDir = join(dir, SYNTH_LAYOUT.trainImages);
  const valDir = join(dir, SYNTH_LAYOUT.valImages);
  const testDir = join(dir, SYNTH_LAYOUT.testImages);
  const hasTest = plan.test.length > 0;
  ensureDir(trainDir);
  ensureDir(valDir);
  if (hasTest) ensureDir(testDir);
  let nextAnnId = 1;
  const renderSplit = (specs: SynthImageSpec[], split: 'train' | 'val' | 'test', outDir: string): SplitResult => {
    const res: SplitResult = { images: [], annotations: [], unplaced: 0, bytes: 0 };
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s]!;
      const r = renderSynthImage(spec, appearances, options.size);
      const fileName = `${String(spec.id).padStart(12, '0')}.png`;
      const png = encodePngRgb(r.rgba, options.size, options.size);
      writeFileSync(join(outDir, fileName), png);
      res.bytes += png.byteLength;
      // A category with an undrawn-but-unannotated instance and no annotated one: annotate it instead.
      const placed = r.objects.filter((o) => o.polygon !== null);
      res.unplaced += r.objects.length - placed.length;
      for (const o of placed) if (!o.annotated && !placed.some((q) => q.category === o.category && q.annotated)) o.annotated = true;
      const present = new Set(placed.map((o) => o.category));
      const notExhaustive = [...new Set(placed.filter((o) => !o.annotated).map((o) => plan.categories[o.category]!.id))].sort((a, b) => a - b);
      const negRng = new Rng(spec.seed ^ 0x6e656731);
      const neg: number[] = [];
      for (let c = 0; c < plan.categories.length; c++) {
        const chosen = negRng.next() < options.negFraction; // drawn for every category: stable stream
        if (chosen && !present.has(c)) neg.push(plan.categories[c]!.id);
      }
      res.images.push({
        id: spec.id,
        width: options.size,
        height: options.size,
        file_name: fileName,
        coco_url: `https://balms.invalid/${split}/${fileName}`,
        license: 1,
        date_captured: '2026-01-01 00:00:00',
        neg_category_ids: neg,
        not_exhaustive_category_ids: notExhaustive,
      });
      for (const o of placed) {
        if (!o.annotated) continue;
        const poly = o.polygon!;
        const [x0, y0, x1, y1] = polygonExtent(poly);
        res.annotations.push({
          id: nextAnnId++,
          image_id: spec.id,
          category_id: plan.categories[o.category]!.id,
          segmentation: [poly],
          bbox: [x0, y0, round2(x1 - x0), round2(y1 - y0)],
          area: round2(polygonArea(poly)),
        });
      }
      if (log && (s + 1) % 250 === 0) log(`${split}: ${s + 1}/${specs.length} images`);
    }
    return res;
  };
  const train = renderSplit(plan.train, 'train', trainDir);
  const val = renderSplit(plan.val, 'val', valDir);
  const test = hasTest ? renderSplit(plan.test, 'test', testDir) : null;
  const categories = categoryRecords(plan, train.annotations);
  const summaryCats = plan.categories.map((c, i): SynthCategorySummary => {
    const cat = categories[i]!;
    const valAnns = val.annotations.filter((a) => a.category_id === c.id);
    const testAnns = test ? test.annotations.filter((a) => a.category_id === c.id) : null;
    return {
      id: c.id,
      name: cat.name,
      intended: c.intended,
      frequency: cat.frequency!,
      trainImages: cat.image_count!,
      trainInstances: cat.instance_count!,
      valImages: new Set(valAnns.map((a) => a.image_id)).size,
      valInstances: valAnns.length,
      ...(testAnns ? { testImages: new Set(testAnns.map((a) => a.image_id)).size, testInstances: testAnns.length } : {}),
    };
  });
  const trainJson = join(dir, SYNTH_LAYOUT.trainJson);
  const valJson = join(dir, SYNTH_LAYOUT.valJson);
  const testJson = join(dir, SYNTH_LAYOUT.testJson);
  writeJsonFileAtomic(trainJson, datasetJson(train, categories, options, 'train'));
  writeJsonFileAtomic(valJson, datasetJson(val, categories, options, 'val'));
  if (test) writeJsonFileAtomic(testJson, datasetJson(test, categories, options, 'test'));
  const summary: SynthSummary = {
    generatorVersion: SYNTH_GENERATOR_VERSION,
    options,
    dir,
    trainJson,
    valJson,
    trainImageDir: trainDir,
    valImageDir: valDir,
    ...(test ? { testJson, testImageDir: testDir } : {}),
    trainImages: train.images.length,
    valImages: val.images.length,
    testImages: test ? test.images.length : 0,
    trainAnnotations: train.annotations.length,
    valAnnotations: val.annotations.length,
    testAnnotations: test ? test.annotations.length : 0,
    unplaced: train.unplaced + val.unplaced + (test?.unplaced ?? 0),
    bytes: train.bytes + val.bytes + (test?.bytes ?? 0) + statSync(trainJson).size + statSync(valJson).size + (test ? statSync(testJson).size : 0),
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpuSince(cpu0),
    categories: summaryCats,
  };
  writeJsonFileAtomic(join(dir, SYNTH_LAYOUT.manifest), summary, { indent: 2 });
  return summary;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/** LVIS category records with `image_count`, `instance_count` and `frequency` computed from the train split. */
function categoryRecords(plan: SynthPlan, trainAnns: LvisAnnotation[]): LvisCategory[] {
  const images = new Map<number, Set<number>>();
  const instances = new Map<number, number>();
  for (const a of trainAnns) {
    let s = images.get(a.category_id);
    if (!s) images.set(a.category_id, (s = new Set()));
    s.add(a.image_id);
    instances.set(a.category_id, (instances.get(a.category_id) ?? 0) + 1);
  }
  return plan.categories.map((c) => {
    const name = appearanceName(c.appearance);
    const imageCount = images.get(c.id)?.size ?? 0;
    return {
      id: c.id,
      name,
      synset: `${name}.n.01`,
      synonyms: [name],
      def: appearanceDefinition(c.appearance),
      frequency: frequencyOf(imageCount),
      image_count: imageCount,
      instance_count: instances.get(c.id) ?? 0,
    };
  });
}

function datasetJson(split: SplitResult, categories: LvisCategory[], options: SynthOptions, name: string): LvisDataset {
  return {
    info: {
      description: `balms synthetic long-tailed LVIS-format dataset (${name})`,
      version: `synth-v${SYNTH_GENERATOR_VERSION}`,
      year: 2026,
      contributor: 'balms synth',
      date_created: '2026-01-01',
      options: recordedSynthOptions(options),
    },
    licenses: [{ id: 1, name: 'CC0-1.0', url: 'https://creativecommons.org/publicdomain/zero/1.0/' }],
    images: split.images,
    annotations: split.annotations,
    categories,
  };
}
