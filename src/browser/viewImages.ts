/**
 * The view page's image panel: each image with its ground truth and its predictions side by side
 * (masks, outlines and boxes drawn by the same `drawOverlay` as `balms predict`), filtered by
 * category and by a minimum score.
 */
import { decodeRowMajor, segmentationToRle } from '../coco/mask/index.js';
import type { DetectionResult, LvisAnnotation, LvisDataset, LvisImage, Segmentation } from '../coco/types.js';
import { drawOverlay, type OverlayInstance } from '../report/overlay.js';

export interface ImagePanelInput {
  gt: LvisDataset;
  results: readonly DetectionResult[] | null;
  /** Whether the server has the image files (`--images`); otherwise masks are drawn on grey. */
  imagesServed: boolean;
}

const PAGE = 12;

/** The file the image is served under: `file_name`, or the last part of `coco_url` (LVIS v1). */
export function imageFileName(im: LvisImage): string {
  const name = im.file_name ?? im.coco_url?.split('/').pop() ?? '';
  return name.split('/').pop() ?? '';
}

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = src;
  });
}

function instancesOf(
  items: readonly { category_id: number; bbox?: number[]; segmentation?: Segmentation }[],
  h: number,
  w: number,
  colorOf: (catId: number) => number,
): OverlayInstance[] {
  return items.map((a) => {
    const mask = a.segmentation ? decodeRowMajor(segmentationToRle(a.segmentation, h, w)) : undefined;
    const bbox = (a.bbox ?? [0, 0, 0, 0]) as [number, number, number, number];
    return { mask, bbox, colorIndex: colorOf(a.category_id) };
  });
}

function drawInto(canvas: HTMLCanvasElement, base: HTMLImageElement | null, h: number, w: number, instances: OverlayInstance[]): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, w, h);
  if (base) ctx.drawImage(base, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const rgb = new Uint8Array(w * h * 3);
  for (let p = 0, q = 0; p < w * h; p++, q += 3) {
    rgb[q] = rgba[p * 4]!;
    rgb[q + 1] = rgba[p * 4 + 1]!;
    rgb[q + 2] = rgba[p * 4 + 2]!;
  }
  const image = ctx.createImageData(w, h);
  image.data.set(drawOverlay(rgb, h, w, instances));
  ctx.putImageData(image, 0, 0);
}

function figure(caption: string, canvas: HTMLCanvasElement): HTMLElement {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(canvas, c);
  return f;
}

/** Fills `root` with the filters and the first page of images; returns when that page is drawn. */
export async function renderImages(root: HTMLElement, input: ImagePanelInput): Promise<void> {
  const gtByImage = new Map<number, LvisAnnotation[]>();
  for (const a of input.gt.annotations) (gtByImage.get(a.image_id) ?? gtByImage.set(a.image_id, []).get(a.image_id)!).push(a);
  const dtByImage = new Map<number, DetectionResult[]>();
  for (const r of input.results ?? []) (dtByImage.get(r.image_id) ?? dtByImage.set(r.image_id, []).get(r.image_id)!).push(r);
  const catIndex = new Map(input.gt.categories.map((c, i) => [c.id, i] as const));
  const colorOf = (id: number) => catIndex.get(id) ?? id;

  const heading = document.createElement('h2');
  heading.textContent = 'Images: ground truth | predictions';
  const controls = document.createElement('div');
  controls.className = 'controls';
  const catSelect = document.createElement('select');
  catSelect.id = 'image-category';
  catSelect.append(new Option('all categories', ''));
  const present = new Set<number>([...input.gt.annotations.map((a) => a.category_id), ...(input.results ?? []).map((r) => r.category_id)]);
  for (const c of input.gt.categories.filter((c) => present.has(c.id)).sort((a, b) => a.name.localeCompare(b.name))) {
    catSelect.append(new Option(`${c.name} (${c.id})`, String(c.id)));
  }
  const score = document.createElement('input');
  Object.assign(score, { type: 'range', min: '0', max: '1', step: '0.05', value: '0.5', id: 'image-score' });
  const scoreLabel = document.createElement('span');
  const more = document.createElement('button');
  more.textContent = 'more images';
  const labelled = (text: string, control: HTMLElement) => {
    const l = document.createElement('label');
    l.append(text + ' ', control);
    return l;
  };
  controls.append(labelled('category', catSelect), labelled('min score', score), scoreLabel, more);
  const grid = document.createElement('div');
  grid.className = 'images';
  grid.id = 'images';
  root.replaceChildren(heading, controls, grid);

  let shown = 0;
  let generation = 0;
  const selected = () => {
    const cat = catSelect.value === '' ? null : Number(catSelect.value);
    const ims = input.gt.images.filter((im) => cat === null || (gtByImage.get(im.id) ?? []).some((a) => a.category_id === cat) || (dtByImage.get(im.id) ?? []).some((r) => r.category_id === cat));
    return { cat, ims };
  };
  const drawPage = async () => {
    const gen = generation;
    const { cat, ims } = selected();
    const minScore = Number(score.value);
    scoreLabel.textContent = minScore.toFixed(2);
    const page = ims.slice(shown, shown + PAGE);
    shown += page.length;
    more.disabled = shown >= ims.length;
    for (const im of page) {
      const base = input.imagesServed ? await loadImage(`/images/${encodeURIComponent(imageFileName(im))}`) : null;
      if (gen !== generation) return;
      const gts = (gtByImage.get(im.id) ?? []).filter((a) => cat === null || a.category_id === cat);
      const dts = (dtByImage.get(im.id) ?? []).filter((r) => r.score >= minScore && (cat === null || r.category_id === cat));
      const gtCanvas = document.createElement('canvas');
      const dtCanvas = document.createElement('canvas');
      drawInto(gtCanvas, base, im.height, im.width, instancesOf(gts, im.height, im.width, colorOf));
      drawInto(dtCanvas, base, im.height, im.width, instancesOf(dts, im.height, im.width, colorOf));
      const pair = document.createElement('div');
      pair.className = 'pair';
      pair.dataset['imageId'] = String(im.id);
      const row = document.createElement('div');
      row.className = 'row';
      row.append(figure(`image ${im.id}: ${gts.length} ground truth`, gtCanvas), figure(`${dts.length} predictions ≥ ${minScore.toFixed(2)}`, dtCanvas));
      pair.append(row);
      grid.append(pair);
    }
  };
  const restart = () => {
    generation++;
    shown = 0;
    grid.replaceChildren();
    return drawPage();
  };
  catSelect.addEventListener('change', () => void restart());
  score.addEventListener('change', () => void restart());
  more.addEventListener('click', () => void drawPage());
  await restart();
}
