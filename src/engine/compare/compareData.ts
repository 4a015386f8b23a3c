/**
 * The data a compare's runs share, made ready once before any run: the synthetic dataset (one per
 * distinct `data.synth` section; every method and seed of a preset reads the same one) is generated
 * into its cache under a lock file, so concurrent shards on one cache generate it once and the others
 * wait for it instead of racing to write the same folder.
 */
import { join } from 'node:path';
import { defaultCacheRoot } from '../../data/index.js';
import { withLock } from '../../util/fileLock.js';
import type { TrainConfig } from '../config/trainConfig.js';
import { resolveDataPaths } from '../trainingData.js';

export async function prepareCompareData(configs: readonly TrainConfig[], log: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const cfg of configs) {
    if (!cfg.data.synth.enabled) continue;
    const key = JSON.stringify(cfg.data.synth);
    if (seen.has(key)) continue;
    seen.add(key);
    const root = cfg.data.synth.cacheDir || defaultCacheRoot();
    await withLock(join(root, 'synth.lock'), () => resolveDataPaths(cfg, log), { pollMs: 500 });
  }
}
