/**
 * Assembles the HTML report of a training run: metrics, per-category AP against training frequency,
 * loss curves from the JSONL log, and val images with the predicted masks drawn on them.
 */
import { decodeRowMajor, rleFromJson, type DetectionResult } from '../coco/index.js';
import { encodePngRgb, type DetectionDataset } from '../data/index.js';
import { drawOverlay, renderReport, type MetricTable, type ReportData, type OverlayInstance } from '../report/index.js';
import type { ModelEvaluation } from './evaluateModel.js';
import { readMetricsLog } from './metricsLog.js';
import type { TrainingData } from './trainingData.js';

export interface RunReportInput {
  title: string;
  evaluation: ModelEvaluation;
  data: TrainingData;
  /** JSONL logs whose records make the loss curves (later logs continue the iteration axis). */
  metricsLogs: string[];
  comparison?: ReportData['comparison'];
  environment?: Record<string, string | number>;
  config?: unknown;
  notes?: string[];
  /** Val images to draw (default 6). */
  images?: number;
  /** Detections drawn per image: score ≥ this (default 0.5), at most `maxPerImage` (default 10). */
  minScore?: number;
  maxPerImage?: number;
}

/** Loss / lr curves from one or more metrics logs (consecutive stages are concatenated). */
export function curvesFromLogs(paths: readonly string[]): ReportData['curves'] {
  const iteration: number[] = [];
  const series: Record<string, number[]> = {};
  let offset = 0;
  for (const p of paths) {
    let last = 0;
    for (const r of readMetricsLog(p)) {
      if (typeof r['iteration'] !== 'number' || typeof r['total_loss'] !== 'number') continue;
      const it = offset + (r['iteration'] as number);
      const idx = iteration.length;
      iteration.push(it);
      for (const [k, v] of Object.entries(r)) {
        if (typeof v !== 'number' || k === 'iteration' || k === 'grad_norm') continue;
        (series[k] ??= []).length = idx;
        series[k]![idx] = v;
      }
      last = it;
    }
    offset = last;
  }
  // series absent in some records get NaN there (the line chart skips them)
  for (const k of Object.keys(series)) {
    const a = series[k]!;
    for (let i = 0; i < iteration.length; i++) if (a[i] === undefined) a[i] = NaN;
  }
  return { iteration, series };
}

async function overlayImages(dataset: DetectionDataset, results: readonly DetectionResult[], imageIds: readonly number[], minScore: number, maxPerImage: number) {
  const byImage = new Map<number, DetectionResult[]>();
  for (const r of results) {
    const list = byImage.get(r.image_id) ?? [];
    list.push(r);
    byImage.set(r.image_id, list);
  }
  const names = new Map(dataset.dataset.categories.map((c) => [c.id, c.name]));
  const out: { caption: string; pngBase64: string }[] = [];
  for (const id of imageIds) {
    const img = await dataset.images.read(id);
    const dets = (byImage.get(id) ?? []).filter((d) => d.score >= minScore).sort((a, b) => b.score - a.score).slice(0, maxPerImage);
    const instances: OverlayInstance[] = dets.map((d) => ({
      mask: d.segmentation ? decodeRowMajor(rleFromJson(d.segmentation)) : undefined,
      bbox: d.bbox ?? [0, 0, 0, 0],
      colorIndex: d.category_id,
    }));
    const rgba = drawOverlay(img.data, img.height, img.width, instances);
    const png = encodePngRgb(rgba, img.width, img.height);
    const caption = `image ${id}: ` + (dets.length ? dets.map((d) => `${names.get(d.category_id) ?? d.category_id} ${d.score.toFixed(2)}`).join(', ') : `no detection ≥ ${minScore}`);
    out.push({ caption, pngBase64: Buffer.from(png).toString('base64') });
  }
  return out;
}

/** Builds the report's data (the HTML is `renderReport(data)`). */
export async function buildRunReport(input: RunReportInput): Promise<ReportData> {
  const ev = input.evaluation;
  const segmById = new Map((ev.perCategory.segm ?? []).map((c) => [c.id, c.AP]));
  const bboxById = new Map(ev.perCategory.bbox.map((c) => [c.id, c.AP]));
  const imageCount = input.data.classStats.imageCount;
  const perCategory = input.data.categories.map((c, k) => ({
    id: c.id,
    name: c.name,
    frequency: c.frequency ?? '?',
    trainImages: imageCount[k] ?? 0,
    apBbox: bboxById.get(c.id),
    apSegm: segmById.get(c.id),
  }));
  const val = input.data.val;
  const shown = val ? ev.predictions.imageIds.slice(0, input.images ?? 6) : [];
  return {
    title: input.title,
    createdAt: new Date().toISOString(),
    metrics: { bbox: ev.bbox as unknown as MetricTable, segm: (ev.segm ?? undefined) as unknown as MetricTable | undefined },
    comparison: input.comparison,
    perCategory,
    curves: curvesFromLogs(input.metricsLogs),
    images: val ? await overlayImages(val, ev.results, shown, input.minScore ?? 0.5, input.maxPerImage ?? 10) : [],
    environment: input.environment,
    config: input.config,
    ...(input.notes ? { notes: input.notes } : {}),
  };
}

export async function renderRunReport(input: RunReportInput): Promise<string> {
  return renderReport(await buildRunReport(input));
}
