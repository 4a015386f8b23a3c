import { loadLvisDataset, type LoadDatasetOptions } from '../coco/index.js';
import type { LvisAnnotation, LvisDataset } from '../coco/types.js';
import { setXyxyFromXywh } from '../coco/boxLayout.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { planAugmentation, transformImage, transformInstances, type AugmentationPlan, type ExampleTransform, type Instances } from './augment.js';
import { CategoryMap } from './categoryMap.js';
import { LvisImageFolder } from './imageFolder.js';
import type { RgbImage } from './image.js';

/** One image ready for the model, with its instances in the same (transformed) coordinates. */
export interface TrainingExample {
  imageId: number;
  /** RGB, HWC, normalised per the transform's pixel stats. */
  image: Float32Array;
  height: number;
  width: number;
  /** Size in the dataset, before resizing. */
  origHeight: number;
  origWidth: number;
  /** Nominal resize factor (shortest-edge rule); the exact per-axis factors are `scaleX`, `scaleY`. */
  scale: number;
  scaleX: number;
  scaleY: number;
  flipped: boolean;
  /** `[x1, y1, x2, y2]` per instance, in pixels of `image`. */
  boxes: Float32Array;
  /** Contiguous class index 0…K−1 per instance (see `CategoryMap`). */
  classes: Int32Array;
  /** Per instance, its polygons (flat `[x0, y0, …]`), in pixels of `image`. */
  polygons: number[][][];
  /** The annotation id of each instance. */
  annotationIds: Int32Array;
}

/** Decodes and transforms images; the default runs on the calling thread (see `WorkerImagePipeline`). */
export interface ImagePipeline {
  /** Reads the image file of `imageId` and returns it transformed per `plan`. */
  load(folder: LvisImageFolder, imageId: number, plan: AugmentationPlan): Promise<Float32Array>;
  close?(): Promise<void>;
}

/** Reads, decodes and transforms on the calling thread. */
export const inlineImagePipeline: ImagePipeline = {
  async load(folder, imageId, plan) {
    const img: RgbImage = await folder.read(imageId);
    return transformImage(img, plan);
  },
};

/** The seed of the example at `position` of a stream seeded with `seed` (a 32-bit mix of both). */
export function exampleSeed(seed: number, position: number): number {
  let h = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(position >>> 0, 0xc2b2ae35)) >>> 0;
  h ^= Math.floor(position / 2 ** 32) * 0x27d4eb2f;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * An LVIS/COCO instance-segmentation dataset for training: the JSON's images and polygon
 * annotations plus a folder of image files. Crowd annotations are skipped (as detectron2 does);
 * an RLE segmentation on a non-crowd annotation, or a category not in `categories`, is an input error.
 */
export class DetectionDataset {
  readonly dataset: LvisDataset;
  readonly images: LvisImageFolder;
  readonly categories: CategoryMap;
  /** Image ids in JSON order; samplers index into this list. */
  readonly imageIds: readonly number[];
  private readonly anns = new Map<number, Array<{ ann: LvisAnnotation; index: number }>>();

  constructor(
    dataset: LvisDataset,
    imageDir: string,
    private readonly datasetFile?: string,
  ) {
    this.dataset = dataset;
    this.images = new LvisImageFolder(dataset.images, imageDir, datasetFile);
    this.categories = CategoryMap.fromCategories(dataset.categories);
    this.imageIds = dataset.images.map((im) => im.id);
    for (const id of this.imageIds) this.anns.set(id, []);
    dataset.annotations.forEach((ann, index) => {
      const list = this.anns.get(ann.image_id);
      if (!list) throw new BalmsInputError(`image_id ${ann.image_id} is not in images`, { file: datasetFile, path: `annotations[${index}].image_id` });
      list.push({ ann, index });
    });
  }

  /**
   * Loads and validates an LVIS/COCO annotation file (streaming, any size) and pairs it with the
   * folder holding its images.
   */
  static async load(jsonPath: string, imageDir: string, opts: LoadDatasetOptions = {}): Promise<DetectionDataset> {
    return new DetectionDataset(await loadLvisDataset(jsonPath, opts), imageDir, jsonPath);
  }

  get size(): number {
    return this.imageIds.length;
  }

  /** The instances of an image in its original coordinates. */
  instances(imageId: number): Instances {
    const list = this.anns.get(imageId);
    if (!list) throw new BalmsInputError(`no image with id ${imageId}`);
    const kept = list.filter(({ ann }) => !ann.iscrowd);
    const boxes = new Float32Array(kept.length * 4);
    const classes = new Int32Array(kept.length);
    const annotationIds = new Int32Array(kept.length);
    const polygons: number[][][] = [];
    kept.forEach(({ ann, index }, k) => {
      const cls = this.categories.indexOrMinus1(ann.category_id);
      if (cls < 0) throw new BalmsInputError(`category_id ${ann.category_id} is not in categories`, { file: this.datasetFile, path: `annotations[${index}].category_id` });
      if (!Array.isArray(ann.segmentation)) {
        throw new BalmsInputError('training needs polygon segmentations; this non-crowd annotation has an RLE', { file: this.datasetFile, path: `annotations[${index}].segmentation` });
      }
      setXyxyFromXywh(boxes, k, ann.bbox);
      classes[k] = cls;
      annotationIds[k] = ann.id;
      polygons.push(ann.segmentation.map((p) => p.slice()));
    });
    return { boxes, classes, polygons, annotationIds };
  }

  /** Per image (in `imageIds` order), the sorted contiguous classes it contains — what class-aware samplers need. */
  imageClasses(): Int32Array[] {
    return this.imageIds.map((id) => {
      const set = new Set<number>();
      for (const { ann } of this.anns.get(id)!) if (!ann.iscrowd) set.add(this.categories.indexOrMinus1(ann.category_id));
      set.delete(-1);
      return Int32Array.from([...set].sort((a, b) => a - b));
    });
  }

  /**
   * Builds the example for `imageId`. Its random choices come from `rng` (use
   * `new Rng(exampleSeed(seed, position))` for timing-independent streams).
   */
  async example(imageId: number, transform: ExampleTransform, rng: Rng, pipeline: ImagePipeline = inlineImagePipeline): Promise<TrainingExample> {
    const rec = this.images.record(imageId);
    const plan = planAugmentation(rec.height, rec.width, transform, rng);
    const inst = transformInstances(this.instances(imageId), plan);
    const image = await pipeline.load(this.images, imageId, plan);
    return {
      imageId,
      image,
      height: plan.height,
      width: plan.width,
      origHeight: plan.origHeight,
      origWidth: plan.origWidth,
      scale: plan.scale,
      scaleX: plan.scaleX,
      scaleY: plan.scaleY,
      flipped: plan.flipped,
      boxes: inst.boxes,
      classes: inst.classes,
      polygons: inst.polygons,
      annotationIds: inst.annotationIds,
    };
  }
}
