/**
 * The LVIS (v0.5, v1) and COCO annotation and results formats, as read from JSON.
 * Field names are the JSON keys, unchanged.
 */

/** `[x, y, width, height]` in pixels, origin at the top-left corner. */
export type Bbox = [number, number, number, number];

/** A flat polygon `[x0, y0, x1, y1, …]` in pixels. */
export type Polygon = number[];

/** An RLE as stored in JSON: `counts` is a compressed string or an uncompressed run list. */
export interface RleJson {
  size: [number, number]; // [height, width]
  counts: string | number[];
}

/** A segmentation in JSON: a list of polygons, or an RLE. */
export type Segmentation = Polygon[] | RleJson;

/** LVIS frequency bucket: rare 1–10 training images, common 11–100, frequent > 100. */
export type Frequency = 'r' | 'c' | 'f';

export interface LvisImage {
  id: number;
  height: number;
  width: number;
  file_name?: string;
  coco_url?: string;
  flickr_url?: string;
  license?: number;
  date_captured?: string;
  /** Categories verified absent from the image (federated negatives). */
  neg_category_ids?: number[];
  /** Categories present but not exhaustively annotated. */
  not_exhaustive_category_ids?: number[];
}

export interface LvisAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation?: Segmentation;
  bbox: Bbox;
  area: number;
  /** COCO only (LVIS has no crowd annotations). */
  iscrowd?: number;
}

export interface LvisCategory {
  id: number;
  name: string;
  synset?: string;
  synonyms?: string[];
  def?: string;
  frequency?: Frequency;
  image_count?: number;
  instance_count?: number;
  supercategory?: string;
}

export interface LvisDataset {
  info?: unknown;
  licenses?: unknown[];
  images: LvisImage[];
  annotations: LvisAnnotation[];
  categories: LvisCategory[];
}

/** One detection in a results file (`bbox` and/or `segmentation` as a compressed RLE). */
export interface DetectionResult {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: Bbox;
  segmentation?: RleJson;
}
