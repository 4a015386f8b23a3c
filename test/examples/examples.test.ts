/**
 * Runs every file of examples/ as a user would (`npx tsx examples/X.ts`, through tsx, importing
 * 'balms' from the sources) at small sizes, and checks what each prints; and that the docs show
 * each example.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The example's stdout JSON lines (exit code 0 required). Asynchronous, so the test worker stays responsive. */
async function runExample(name: string, steps: number, args: string[] = []): Promise<Record<string, unknown>[]> {
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `${root}/examples/${name}.ts`, ...args],
      { cwd: root, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BALMS_EXAMPLE_STEPS: String(steps) } },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
  expect(r.code, `${name} failed:\n${r.stderr}`).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('examples/', () => {
  it('roiHeadsOnYourFeatures: trains, predicts, writes LVIS results and evaluates them', async () => {
    const [out] = await runExample('roiHeadsOnYourFeatures', 40);
    expect(out!.example).toBe('roiHeadsOnYourFeatures');
    expect(out!.detections).toBeGreaterThanOrEqual(2);
    expect(out!.segmAP50 as number).toBeGreaterThanOrEqual(0.9);
  });

  it('balancedSoftmaxClassifier: Balanced Softmax beats softmax on balanced accuracy', async () => {
    const [out] = await runExample('balancedSoftmaxClassifier', 100);
    const acc = out!.balancedAccuracy as { softmax: number; balancedSoftmax: number };
    expect(acc.balancedSoftmax).toBeGreaterThan(acc.softmax + 0.1);
    const perClass = out!.perClassAccuracy as { softmax: number[]; balancedSoftmax: number[] };
    expect(perClass.balancedSoftmax[3]!).toBeGreaterThan(perClass.softmax[3]!); // the rarest class
  });

  it('samplersOnYourDataset: RFS repeats rare images, the Meta Sampler raises the tail rates', async () => {
    const [out] = await runExample('samplersOnYourDataset', 20);
    const share = out!.rareImageShare as { plain: number; repeatFactorSampling: number };
    expect(share.repeatFactorSampling).toBeGreaterThan(2 * share.plain);
    const rates = out!.metaSamplerRates as number[];
    expect(rates).toHaveLength(4);
    expect(rates[3]!).toBeGreaterThan(rates[0]!);
  });

  it('evaluateResultsFile: bbox and segm AP of a results file', async () => {
    const lines = await runExample('evaluateResultsFile', 0);
    expect(lines.map((l) => l.iouType)).toEqual(['bbox', 'segm']);
    for (const l of lines) {
      expect(l.AP as number).toBeGreaterThan(0.5);
      expect(l.APr as number).toBeGreaterThan(0.5);
    }
  });

  it('every example is run here and shown in docs/plugin.md, the RoI-head code verbatim there and in the README', () => {
    const examples = readdirSync(`${root}/examples`).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
    const tested = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const docs = readFileSync(`${root}/docs/plugin.md`, 'utf8');
    for (const e of examples) {
      expect(tested, `${e} is not run by this test`).toContain(`runExample('${e}'`);
      expect(docs, `${e} is not shown in docs/plugin.md`).toContain(`examples/${e}.ts`);
    }
    const src = readFileSync(`${root}/examples/roiHeadsOnYourFeatures.ts`, 'utf8');
    const core = src.slice(src.indexOf('const heads = new RoIHeads('), src.indexOf('// ---- write LVIS results'));
    expect(core.length).toBeGreaterThan(200);
    expect(docs).toContain(core.trim());
    expect(readFileSync(`${root}/README.md`, 'utf8'), 'the README plug-in section is the example').toContain(core.trim());
  });
});
