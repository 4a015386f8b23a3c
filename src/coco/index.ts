/** COCO / LVIS formats and the pycocotools-exact mask API. */
export * from './types.js';
export * from './mask/index.js';
