import type { CommandEntry } from './command.js';

/**
 * Every sub-command, in the order `balms --help` lists them. Add a command by adding an entry
 * here; its module is imported only when it runs.
 */
export const commands: CommandEntry[] = [
  { name: 'train', summary: 'train a detector from a JSON config (+ --set overrides); resumable checkpoints', load: async () => (await import('./trainCommand.js')).trainCommand },
  { name: 'predict', summary: 'run a trained checkpoint over images: LVIS results JSON (+ PNG overlays)', load: async () => (await import('./predictCommand.js')).predictCommand },
  { name: 'eval', summary: 'LVIS (lvis-api-exact) or COCO (COCOeval-exact) bbox / segm / boundary evaluation, Fixed and Pooled AP', load: async () => (await import('./evalCommand.js')).evalCommand },
  { name: 'stats', summary: 'category statistics of an LVIS/COCO annotation file, and mismatches with its own fields', load: async () => (await import('./statsCommand.js')).statsCommand },
  { name: 'subset', summary: 'carve a consistent LVIS subset (categories, images, per-bucket draws), seeded', load: async () => (await import('./subsetCommand.js')).subsetCommand },
  { name: 'synth', summary: 'write a seeded long-tailed synthetic dataset in LVIS format (PNG + JSON)', load: async () => (await import('./synthCommand.js')).synthCommand },
  { name: 'compare', summary: 'train and evaluate long-tail methods side by side over seeds; compare.json + compare.html', load: async () => (await import('./compareCommand.js')).compareCommand },
  { name: 'view', summary: 'evaluate results and look at masks in a local browser page (loopback only)', load: async () => (await import('./viewCommand.js')).viewCommand },
  { name: 'demo', summary: 'train and evaluate BALMS on the embedded long-tailed dataset, write metrics and an HTML report', load: async () => (await import('./demoCommand.js')).demoCommand },
  { name: 'setup', summary: 'build the native TensorFlow backend (tfjs-node) from the TensorFlow Python wheel', load: async () => (await import('./setupCommand.js')).setupCommand },
  { name: 'doctor', summary: 'which tfjs backends are installed and usable, with versions, threads and matMul GFLOP/s', load: async () => (await import('./doctorCommand.js')).doctorCommand },
];
