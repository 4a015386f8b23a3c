import { describe, expect, it } from 'vitest';
import { decodeRowMajor, rleFromJson } from '../../src/coco/mask/index.js';
import { toLvisResults } from '../../src/modeling/lvisResults.js';
import { pasteMask } from '../../src/modeling/pasteMasks.js';

describe('toLvisResults', () => {
  it('writes xywh boxes, mapped category ids and compressed-RLE masks pasted into the image', () => {
    const pred = {
      boxes: new Float32Array([2, 3, 6, 7, 0, 0, 4, 2]),
      scores: new Float32Array([0.9, 0.4]),
      classes: new Int32Array([1, 0]),
      masks: new Float32Array([1, 1, 1, 1, 1, 0, 0, 0]),
      maskSize: 2,
    };
    const recs = toLvisResults(pred, { imageId: 5, imageSize: [10, 12], categoryIds: [7, 9] });
    expect(recs.map((r) => [r.image_id, r.category_id, r.score])).toEqual([[5, 9, Math.fround(0.9)], [5, 7, Math.fround(0.4)]]);
    expect(recs[0]!.bbox).toEqual([2, 3, 4, 4]);
    expect(recs[0]!.segmentation!.size).toEqual([10, 12]);
    expect(typeof recs[0]!.segmentation!.counts).toBe('string');
    // a full mask fills exactly the box's pixels
    const bits = decodeRowMajor(rleFromJson(recs[0]!.segmentation!));
    for (let y = 0; y < 10; y++) for (let x = 0; x < 12; x++) expect(bits[y * 12 + x], `${x},${y}`).toBe(x >= 2 && x < 6 && y >= 3 && y < 7 ? 1 : 0);
    expect(Array.from(decodeRowMajor(rleFromJson(recs[1]!.segmentation!)))).toEqual(Array.from(pasteMask([1, 0, 0, 0], 2, [0, 0, 4, 2], 10, 12)));
  });
  it('divides boxes by the input scale and defaults category ids to class + 1', () => {
    const pred = { boxes: new Float32Array([4, 4, 8, 12]), scores: new Float32Array([1]), classes: new Int32Array([0]), maskSize: 28 };
    const [r] = toLvisResults(pred, { imageId: 1, imageSize: [10, 10], scale: 2 });
    expect(r!.category_id).toBe(1);
    expect(r!.bbox).toEqual([2, 2, 2, 4]);
    expect(r!.segmentation).toBeUndefined();
  });
});
