import { describe, expect, it } from 'vitest';
import { setXyxyFromXywh, xywhToXyxy, xyxyToXywh } from '../../src/coco/boxLayout.js';

describe('box layouts', () => {
  it('XYWH ↔ XYXY by hand, and round trips (row-wise into a Float32Array too)', () => {
    expect(xywhToXyxy([10, 20, 5, 7])).toEqual([10, 20, 15, 27]);
    expect(xyxyToXywh([0, 0, 0, 0, 10, 20, 15, 27], 1)).toEqual([10, 20, 5, 7]);
    const boxes = new Float32Array(8);
    setXyxyFromXywh(boxes, 1, [1.5, 2.25, 3, 4]);
    expect(Array.from(boxes)).toEqual([0, 0, 0, 0, 1.5, 2.25, 4.5, 6.25]);
    expect(xyxyToXywh(boxes, 1)).toEqual([1.5, 2.25, 3, 4]);
  });
});
