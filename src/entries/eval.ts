/**
 * `balms/eval`: the LVIS (lvis-api) and COCO (pycocotools COCOeval) evaluators. Pure JavaScript,
 * no tfjs and no `node:*` import, so it bundles for a page. The list is the eval folder's index.
 */
export * from '../eval/index.js';
