/**
 * `balms/mask`: the pycocotools-exact mask API (RLE codec, polygon/box rasterisation, merge, area,
 * toBbox, IoU), meant to be imported as a namespace like pycocotools' `mask`:
 * `import * as mask from 'balms/mask'`. Runs in Node and in a page (no `node:*` import).
 */
export * from '../coco/mask/index.js';
