import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClassificationSplit, readCifarBinary, readIdxSplit, readImageFolderTree, readImageTarball } from '../../../src/data/classification/index.js';
import { inputErrorOf, inputErrorOfAsync } from '../../helpers/inputErrors.js';
import { cifarPixel, cifarRecords, idxBytes, rgbImage, writePngTree } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-cls-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = join(dir, `case${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

describe('image-folder tree', () => {
  it('reads classes in sorted order, images by name, exact PNG pixels, and sources relative to the root', async () => {
    const root = fresh();
    const truth = await writePngTree(root, 'train', { zebra: 2, ant: 3, mole: 1 });
    writeFileSync(join(root, 'train', 'ant', 'notes.txt'), 'not an image'); // ignored
    const set = await readImageFolderTree(root, 'train', { cacheDir: join(root, 'cache') });
    expect(set.classNames).toEqual(['ant', 'mole', 'zebra']);
    expect([set.height, set.width, set.channels]).toEqual([4, 5, 3]);
    expect(set.sources).toEqual(truth.map((t) => t.source));
    expect(Array.from(set.labels)).toEqual([0, 0, 0, 1, 2, 2]);
    truth.forEach((t, k) => expect(set.pixels.subarray(k * 60, (k + 1) * 60)).toEqual(t.rgb));
  });

  it('decodes once, then loads the same set from the cache; a changed file is decoded again', async () => {
    const root = fresh();
    await writePngTree(root, 'test', { a: 2, b: 2 });
    const logs: string[] = [];
    const opts = { cacheDir: join(root, 'cache'), log: (l: string) => logs.push(l) };
    const first = await readImageFolderTree(root, 'test', opts);
    expect(logs.some((l) => l.startsWith('decoded 4 images'))).toBe(true);
    logs.length = 0;
    const second = await readImageFolderTree(root, 'test', opts);
    expect(logs.some((l) => l.startsWith('loaded 4 decoded images from the cache'))).toBe(true);
    expect(second).toEqual(first);
    utimesSync(join(root, 'test', 'b', '001.png'), new Date(5e12), new Date(5e12));
    logs.length = 0;
    await readImageFolderTree(root, 'test', opts);
    expect(logs.some((l) => l.startsWith('decoded 4 images'))).toBe(true);
  });

  it('rejects mixed sizes, an empty class folder and an undecodable image, naming the file', async () => {
    const mixed = fresh();
    await writePngTree(mixed, 'train', { a: 1 }, 4, 5);
    await writePngTree(join(mixed, 'other'), 'train', { b: 1 }, 6, 5);
    execFileSync('mv', [join(mixed, 'other', 'train', 'b'), join(mixed, 'train', 'b')]);
    const e1 = await inputErrorOfAsync(readImageFolderTree(mixed, 'train', { cacheDir: join(mixed, 'cache') }));
    expect(e1.file).toBe(join(mixed, 'train', 'b', '000.png'));
    expect(e1.message).toMatch(/is 5×6 but train\/a\/000.png is 5×4/);

    const empty = fresh();
    await writePngTree(empty, 'train', { a: 1 });
    mkdirSync(join(empty, 'train', 'b'));
    const e2 = await inputErrorOfAsync(readImageFolderTree(empty, 'train', { cacheDir: join(empty, 'cache') }));
    expect(e2.message).toMatch(/class folder "b" holds no images/);

    const bad = fresh();
    await writePngTree(bad, 'train', { a: 2 });
    writeFileSync(join(bad, 'train', 'a', '001.png'), 'garbage');
    const e3 = await inputErrorOfAsync(readImageFolderTree(bad, 'train', { cacheDir: join(bad, 'cache') }));
    expect(e3.file).toBe(join(bad, 'train', 'a', '001.png'));
    expect(e3.message).toMatch(/cannot decode image/);
  });
});

describe('tarball of the tree', () => {
  it('gives the same set as the extracted tree (under a leading folder, gnu and pax long names too)', async () => {
    const root = fresh();
    const long = 'c'.repeat(120);
    await writePngTree(join(root, 'src', 'pack'), 'train', { dog: 2, [long]: 1, cat: 2 });
    const tree = await readImageFolderTree(join(root, 'src', 'pack'), 'train', { cacheDir: join(root, 'cache') });
    for (const format of ['gnu', 'pax']) {
      const tgz = join(root, `pack_train_${format}.tar.gz`);
      execFileSync('tar', [`--format=${format}`, '-czf', tgz, '-C', join(root, 'src'), 'pack']);
      const fromTar = await readImageTarball(tgz, 'train', { cacheDir: join(root, 'cache') });
      expect(fromTar).toEqual(tree);
    }
  });

  it('loadClassificationSplit picks the tarball named for the split, and a cache hit does not read it', async () => {
    const root = fresh();
    await writePngTree(join(root, 'src'), 'train', { a: 1, b: 2 });
    await writePngTree(join(root, 'src'), 'test', { a: 1, b: 1 });
    const data = join(root, 'data');
    mkdirSync(data);
    for (const split of ['train', 'test']) {
      execFileSync('tar', ['-czf', join(data, `x_${split}_png.tar.gz`), '-C', join(root, 'src'), split]);
      // whole seconds, so restoring the mtime below is exact (a file's own mtime has sub-ms digits)
      utimesSync(join(data, `x_${split}_png.tar.gz`), 1_700_000_000, 1_700_000_000);
    }
    const opts = { cacheDir: join(root, 'cache') };
    const test = await loadClassificationSplit(data, 'test', opts);
    expect(test.sources).toEqual(['test/a/000.png', 'test/b/000.png']);
    const train = await loadClassificationSplit(data, 'train', opts);
    expect(train.sources).toEqual(['train/a/000.png', 'train/b/000.png', 'train/b/001.png']);
    expect(train.pixels.subarray(0, 60)).toEqual(rgbImage(4, 5, 1));
    // overwrite the tarball with garbage of the same size and mtime: the cached set still comes back
    const tgz = join(data, 'x_train_png.tar.gz');
    const { size, mtime } = statSync(tgz);
    writeFileSync(tgz, new Uint8Array(size));
    utimesSync(tgz, mtime, mtime);
    expect(await loadClassificationSplit(data, 'train', opts)).toEqual(train);
    await inputErrorOfAsync(loadClassificationSplit(data, 'train', { cacheDir: join(root, 'other-cache') }));
  });

  it('rejects a truncated tarball and one without the split, naming the file', async () => {
    const root = fresh();
    await writePngTree(join(root, 'src'), 'train', { a: 3 });
    const tar = join(root, 'plain.tar');
    execFileSync('tar', ['-cf', tar, '-C', join(root, 'src'), 'train']);
    truncateSync(tar, 1500);
    const e1 = await inputErrorOfAsync(readImageTarball(tar, 'train', { cacheDir: join(root, 'cache') }));
    expect(e1.file).toBe(tar);
    expect(e1.message).toMatch(/truncated/);
    const tgz = join(root, 'only_train.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', join(root, 'src'), 'train']);
    const e2 = await inputErrorOfAsync(readImageTarball(tgz, 'test', { cacheDir: join(root, 'cache') }));
    expect(e2.message).toMatch(/no test\/<class>\/<image> members/);
  });
});

describe('CIFAR binary batches', () => {
  it('reads CIFAR-10 batches in file order into HWC with the meta names, and sources <file>#<record>', async () => {
    const root = fresh();
    const d = join(root, 'cifar-10-batches-bin');
    mkdirSync(d);
    writeFileSync(join(d, 'data_batch_1.bin'), cifarRecords([3, 0]));
    writeFileSync(join(d, 'data_batch_2.bin'), cifarRecords([9]));
    writeFileSync(join(d, 'test_batch.bin'), cifarRecords([1]));
    const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    writeFileSync(join(d, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    const set = await loadClassificationSplit(root, 'train');
    expect(set.classNames).toEqual(names);
    expect(Array.from(set.labels)).toEqual([3, 0, 9]);
    expect(set.sources).toEqual(['data_batch_1.bin#0', 'data_batch_1.bin#1', 'data_batch_2.bin#0']);
    // image 2 of the set is record 0 of batch 2, whose pixels are cifarPixel(0, …); (y 5, x 7, channel 2):
    expect(set.pixels[2 * 3072 + (5 * 32 + 7) * 3 + 2]).toBe(cifarPixel(0, 5 * 32 + 7, 2));
    expect(set.pixels[1 * 3072 + (31 * 32 + 31) * 3 + 0]).toBe(cifarPixel(1, 1023, 0));
    expect(readCifarBinary(d, 'test').sources).toEqual(['test_batch.bin#0']);
  });

  it('reads CIFAR-100 with the fine label', () => {
    const root = fresh();
    writeFileSync(join(root, 'train.bin'), cifarRecords([42, 7], 2));
    const set = readCifarBinary(root, 'train');
    expect(set.classNames).toHaveLength(100);
    expect(Array.from(set.labels)).toEqual([42, 7]);
  });

  it('rejects a truncated batch and an out-of-range label, naming the file', () => {
    const root = fresh();
    writeFileSync(join(root, 'test_batch.bin'), cifarRecords([1, 2]).subarray(0, 5000));
    const e = inputErrorOf(() => readCifarBinary(root, 'test'));
    expect(e.file).toBe(join(root, 'test_batch.bin'));
    expect(e.message).toMatch(/5000 bytes, not a whole number of 3073-byte records/);
    writeFileSync(join(root, 'test_batch.bin'), cifarRecords([1, 12]));
    expect(inputErrorOf(() => readCifarBinary(root, 'test')).message).toMatch(/record 1: label 12 is outside 0…9/);
  });
});

describe('idx files', () => {
  it('reads MNIST-style files, plain and gzipped, as 1-channel images', async () => {
    const root = fresh();
    const px = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => i * 7);
    writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), idxBytes([3, 2, 4], px, true));
    writeFileSync(join(root, 'train-labels-idx1-ubyte'), idxBytes([3], Uint8Array.from([2, 0, 1])));
    writeFileSync(join(root, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 4], px.subarray(0, 8)));
    writeFileSync(join(root, 't10k-labels-idx1-ubyte.gz'), idxBytes([1], Uint8Array.from([1]), true));
    const set = await loadClassificationSplit(root, 'train');
    expect([set.height, set.width, set.channels]).toEqual([2, 4, 1]);
    expect(set.pixels).toEqual(px);
    expect(set.classNames).toEqual(['0', '1', '2']);
    expect(set.sources).toEqual(['train-images-idx3-ubyte#0', 'train-images-idx3-ubyte#1', 'train-images-idx3-ubyte#2']);
    expect(Array.from(readIdxSplit(root, 'test').labels)).toEqual([1]);
  });

  it('rejects a truncated file and a label count mismatch', () => {
    const root = fresh();
    writeFileSync(join(root, 'train-images-idx3-ubyte'), idxBytes([3, 2, 4], new Uint8Array(20)));
    writeFileSync(join(root, 'train-labels-idx1-ubyte'), idxBytes([3], new Uint8Array(3)));
    expect(inputErrorOf(() => readIdxSplit(root, 'train')).message).toMatch(/holds 20 data bytes but its header \(3×2×4\) needs 24 \(truncated\?\)/);
    writeFileSync(join(root, 'train-images-idx3-ubyte'), idxBytes([3, 2, 4], new Uint8Array(24)));
    writeFileSync(join(root, 'train-labels-idx1-ubyte'), idxBytes([2], new Uint8Array(2)));
    expect(inputErrorOf(() => readIdxSplit(root, 'train')).message).toMatch(/has 2 labels but .* has 3 images/);
  });
});

describe('loadClassificationSplit', () => {
  it('says what it looked for when a folder holds no known layout', async () => {
    const root = fresh();
    const e = await inputErrorOfAsync(loadClassificationSplit(root, 'train'));
    expect(e.message).toMatch(/found no train data: expected train\/<class>\/<image> folders, CIFAR binary batches, idx files or a train .tar.gz/);
    expect((await inputErrorOfAsync(loadClassificationSplit(join(root, 'nope'), 'train'))).message).toMatch(/no such data folder/);
  });
});
