/** The classification readers on the real CIFAR-10 JPEG tarballs of ../shared/real/cifar10 (skipped when that folder is absent). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { carveValidation, classCounts, loadClassificationSplit, longTailedSubset, type ImageClassificationSet } from '../../../src/data/classification/index.js';
import { listTarballSplit } from '../../../src/data/classification/imageTarball.js';

const cifar = fileURLToPath(new URL('../../../../shared/real/cifar10/', import.meta.url));
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const cache = mkdtempSync(join(tmpdir(), 'balms-cls-cifar-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe.skipIf(!existsSync(cifar))(`real CIFAR-10 tarballs in ${cifar}`, () => {
  it('the train tarball lists 50,000 images, 5,000 per class, 10 classes in the standard order', async () => {
    const { classNames, images } = await listTarballSplit(join(cifar, 'cifar10_train_jpeg.tar.gz'), 'train');
    expect(classNames).toEqual(CLASSES);
    expect(images).toHaveLength(50000);
    const labels = Int32Array.from(images, (im) => im.label);
    expect(Array.from(classCounts(labels, 10))).toEqual(Array(10).fill(5000));
    expect(images[0]!.source).toBe('train/airplane/0000.jpg');
    expect(images[49999]!.source).toBe('train/truck/4999.jpg');

    // the CIFAR-10-LT recipe on the real labels (pixels are not needed to choose images)
    const set: ImageClassificationSet = { classNames, height: 32, width: 32, channels: 3, pixels: new Uint8Array(0), labels, sources: images.map((im) => im.source) };
    const lt = longTailedSubset(set, { imbalanceFactor: 100, seed: 0 });
    expect(lt).toHaveLength(12406);
    const { train, val } = carveValidation(set, { perClass: 100, seed: 0 });
    const ltOfRest = longTailedSubset(set, { imbalanceFactor: 100, seed: 0, from: train });
    expect(Array.from(classCounts(Int32Array.from(ltOfRest, (i) => labels[i]!), 10))).toEqual([4900, 2937, 1760, 1055, 632, 379, 227, 136, 81, 49]);
    expect(val).toHaveLength(1000);
  });

  it('loads the test split (10,000 decoded 32×32 RGB images, 1,000 per class), then the same from the cache', async () => {
    const logs: string[] = [];
    const opts = { cacheDir: cache, log: (l: string) => logs.push(l) };
    const test = await loadClassificationSplit(cifar, 'test', opts);
    expect(test.classNames).toEqual(CLASSES);
    expect([test.labels.length, test.height, test.width, test.channels]).toEqual([10000, 32, 32, 3]);
    expect(Array.from(classCounts(test.labels, 10))).toEqual(Array(10).fill(1000));
    expect(test.sources[1000]).toBe('test/automobile/0000.jpg');
    let sum = 0;
    for (let i = 0; i < test.pixels.length; i += 97) sum += test.pixels[i]!;
    expect(sum / Math.ceil(test.pixels.length / 97)).toBeGreaterThan(100); // real photos, not zeros (CIFAR's mean is about 120)
    const again = await loadClassificationSplit(cifar, 'test', opts);
    expect(logs.some((l) => /^loaded 10000 decoded images from the cache/.test(l))).toBe(true);
    expect(Buffer.compare(again.pixels, test.pixels)).toBe(0);
    expect(again.sources).toEqual(test.sources);
  }, 60_000);
});
