import { basename, join, resolve } from 'node:path';
import type { LvisImage } from '../coco/types.js';
import { BalmsInputError } from '../util/errors.js';
import type { RgbImage } from './image.js';
import { ImageReadError, readImageChecked } from './imageRead.js';

/**
 * The image files of an LVIS/COCO dataset in one folder. An image's file is `file_name` (COCO,
 * LVIS v0.5) or else the last part of `coco_url` (LVIS v1, where `file_name` was dropped).
 * Every failure names the image id, its JSON record and the file.
 */
export class LvisImageFolder {
  readonly dir: string;
  private readonly byId = new Map<number, { image: LvisImage; index: number }>();

  /** `datasetFile` is only used to name the JSON in error messages. */
  constructor(
    images: readonly LvisImage[],
    dir: string,
    private readonly datasetFile?: string,
  ) {
    this.dir = resolve(dir);
    images.forEach((image, index) => this.byId.set(image.id, { image, index }));
  }

  /** The record of an image id; throws a RangeError for an unknown id (a programming error). */
  record(imageId: number): LvisImage {
    const r = this.byId.get(imageId);
    if (!r) throw new BalmsInputError(`no image with id ${imageId}`);
    return r.image;
  }

  /** The file name used for an image (`file_name`, else the basename of `coco_url`). */
  fileName(imageId: number): string {
    const { image, index } = this.entry(imageId);
    const name = image.file_name ?? (image.coco_url ? basename(new URL(image.coco_url, 'file:///').pathname) : undefined);
    if (!name) throw new BalmsInputError(`image id ${imageId} has neither file_name nor coco_url`, { file: this.datasetFile, path: `images[${index}]` });
    return name;
  }

  /** The full path of an image's file. */
  path(imageId: number): string {
    return join(this.dir, this.fileName(imageId));
  }

  /**
   * Reads and decodes an image, checking its size against the JSON record.
   * @throws BalmsInputError naming the image id and the path when the file is missing,
   *   undecodable or of the wrong size.
   */
  async read(imageId: number): Promise<RgbImage> {
    const { image } = this.entry(imageId);
    try {
      return await readImageChecked(this.path(imageId), image.height, image.width);
    } catch (e) {
      throw this.wrapError(imageId, e);
    }
  }

  /** Turns an `ImageReadError` for `imageId` into a `BalmsInputError` naming the image, its record and its file. */
  wrapError(imageId: number, e: unknown): unknown {
    if (!(e instanceof ImageReadError) && !(e instanceof Error && e.name === 'ImageReadError')) return e;
    const { index } = this.entry(imageId);
    const where = { file: this.path(imageId), path: `${this.datasetFile ? `${this.datasetFile} ` : ''}images[${index}] (id ${imageId})` };
    const msg = e.message === 'image file not found' ? `image file not found in ${this.dir}` : e.message;
    return new BalmsInputError(msg, where);
  }

  private entry(imageId: number): { image: LvisImage; index: number } {
    const r = this.byId.get(imageId);
    if (!r) throw new BalmsInputError(`no image with id ${imageId}`);
    return r;
  }
}
