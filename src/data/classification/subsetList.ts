/**
 * A subset of an image set saved as the `sources` of its images, so a run can be reproduced and a
 * user can bring their own list. Two forms: a text file, one source per line (`#` comments and blank
 * lines ignored), or, for a path ending in `.json`, `{ "format": "balms-image-subset", "classNames",
 * "counts", "sources" }` (a plain JSON array of sources is read too). Sources of a folder tree and of
 * its tarball are the same, so a list fits both.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import { parseJsonText } from '../../util/jsonText.js';
import { classCounts, type ImageClassificationSet } from './imageSet.js';

const FORMAT = 'balms-image-subset';

/** Writes the sources of `set`'s images at `indices` (in that order) to `path`, atomically. */
export function writeSubsetList(path: string, set: ImageClassificationSet, indices: Int32Array): void {
  const sources = Array.from(indices, (i) => {
    const s = set.sources[i];
    if (s === undefined) throw new BalmsInputError(`writeSubsetList: index ${i} is outside 0…${set.sources.length - 1}`);
    return s;
  });
  const counts = Array.from(classCounts(Int32Array.from(indices, (i) => set.labels[i]!), set.classNames.length));
  const text = path.toLowerCase().endsWith('.json')
    ? `${JSON.stringify({ format: FORMAT, version: 1, classNames: set.classNames, counts, sources }, null, 1)}\n`
    : `# balms image subset: ${sources.length} images; per class ${set.classNames.map((c, i) => `${c}=${counts[i]}`).join(' ')}\n${sources.join('\n')}\n`;
  writeFileAtomic(path, text);
}

/**
 * The indices into `set` of the images a list names, in list order. A source not in `set`, a
 * repeated source, or a malformed file is an input error naming the file and line (or JSON index).
 */
export function readSubsetList(path: string, set: ImageClassificationSet): Int32Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fsInputError(e, path, 'cannot read the subset list');
  }
  const entries = parseList(text, path);
  const index = new Map(set.sources.map((s, i) => [s, i]));
  const seen = new Set<string>();
  const out = new Int32Array(entries.length);
  entries.forEach(({ source, where }, k) => {
    const i = index.get(source);
    if (i === undefined) throw new BalmsInputError(`"${source}" is not an image of the data set (e.g. ${set.sources[0] ?? 'none'})`, { file: path, path: where });
    if (seen.has(source)) throw new BalmsInputError(`"${source}" is listed twice`, { file: path, path: where });
    seen.add(source);
    out[k] = i;
  });
  return out;
}

function parseList(text: string, file: string): { source: string; where: string }[] {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJsonText(text, file);
    const isObject = !Array.isArray(json);
    const sources = isObject ? (json as { sources?: unknown }).sources : json;
    if (!Array.isArray(sources)) throw new BalmsInputError('expected a JSON array of sources or an object with "sources"', { file });
    return sources.map((s, k) => {
      const where = `${isObject ? 'sources' : ''}[${k}]`;
      if (typeof s !== 'string') throw new BalmsInputError('a source must be a string', { file, path: where });
      return { source: s, where };
    });
  }
  const out: { source: string; where: string }[] = [];
  text.split(/\r?\n/).forEach((line, k) => {
    const s = line.trim();
    if (s && !s.startsWith('#')) out.push({ source: s, where: `line ${k + 1}` });
  });
  return out;
}
