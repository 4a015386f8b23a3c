/**
 * The training-set class statistics every balms loss and sampler is built from, straight from an
 * LVIS/COCO annotation file: `classStatsFromDataset(train)` → `{ imageCount, instanceCount,
 * numTrainImages }` in contiguous class order (ascending category id, `CategoryMap`), counted
 * from the annotations (not the file's own `image_count` fields), as `balms train` does.
 */
import { categoryStats } from '../coco/categoryStats.js';
import type { LvisDataset } from '../coco/types.js';
import type { ClassStats } from '../losses/index.js';

export function classStatsFromDataset(dataset: LvisDataset): ClassStats {
  const perCategory = categoryStats(dataset).perCategory; // ascending category id
  return {
    imageCount: perCategory.map((c) => c.image_count),
    instanceCount: perCategory.map((c) => c.instance_count),
    numTrainImages: new Set(dataset.annotations.map((a) => a.image_id)).size,
  };
}
