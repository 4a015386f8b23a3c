/**
 * The `balms view` page: takes a ground truth and a results file (from the command line through the
 * local server, or dropped on the page), evaluates them in a Web Worker with lvis-api's exact
 * semantics, and shows the metrics, charts, per-category table and images. With a checkpoint it
 * runs the model in the page first (loaded on demand: tfjs is not part of this script).
 * `document.body.dataset.state` is `loading`, `idle`, `evaluating`, `done` or `error`.
 */
import type { DetectionResult, LvisDataset } from '../coco/types.js';
import type { EvalJobResult } from './evalJob.js';
import type { EvalReply, EvalRequest } from './evalWorker.js';
import type { ViewFileKind, ViewSession } from './viewProtocol.js';
import { renderImages } from './viewImages.js';
import { renderResults } from './viewResults.js';
import { VIEW_CSS } from './viewStyle.js';
import { BalmsInputError } from '../util/errors.js';

interface Loaded {
  name: string;
  bytes: ArrayBuffer;
  /** The detections of the checkpoint run in the page (scored as a model's: src/eval/segmAreaConvention.ts). */
  fromModel?: boolean;
}

interface ViewState {
  session: ViewSession;
  gt: Loaded | null;
  results: Loaded | null;
  result: EvalJobResult | null;
}

/** What tests and curious users can read from the console: the last evaluation. */
declare global {
  interface Window {
    balmsView?: { state: ViewState; evaluate: () => Promise<void> };
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function setState(s: 'loading' | 'idle' | 'evaluating' | 'done' | 'error'): void {
  document.body.dataset['state'] = s;
}

const status = el('div', { id: 'status', role: 'status' });
const errorLine = el('div', { id: 'error', role: 'alert' });
const progress = el('progress');
const iouSelect = el('select', { id: 'iou-type' });
const cocoBox = el('input', { type: 'checkbox', id: 'coco' });
const resultsRoot = el('section', { id: 'results' });
const imagesRoot = el('section', { id: 'images-panel' });
const modelRoot = el('section', { id: 'model' });

function showError(message: string): void {
  errorLine.textContent = message;
  status.textContent = '';
  progress.hidden = true;
  setState('error');
}

/** A drop zone that also opens a file picker on click. */
function dropZone(label: string, id: string, onFile: (f: Loaded) => void): { root: HTMLElement; name: HTMLElement } {
  const root = el('div', { class: 'drop', id, tabindex: '0' });
  const name = el('span', { class: 'muted' }, 'drop a file here or click');
  const input = el('input', { type: 'file', accept: '.json,application/json', hidden: '' });
  root.append(el('b', {}, label), name, input);
  const take = async (file: File | undefined) => {
    if (!file) return;
    name.textContent = file.name;
    onFile({ name: file.name, bytes: await file.arrayBuffer() });
  };
  root.addEventListener('click', () => input.click());
  input.addEventListener('change', () => void take(input.files?.[0]));
  root.addEventListener('dragover', (e) => {
    e.preventDefault();
    root.classList.add('over');
  });
  root.addEventListener('dragleave', () => root.classList.remove('over'));
  root.addEventListener('drop', (e) => {
    e.preventDefault();
    root.classList.remove('over');
    void take(e.dataTransfer?.files[0]);
  });
  return { root, name };
}

/** segm when the results carry masks (looked for in the first bytes), else bbox. */
function guessIouType(results: ArrayBuffer): 'bbox' | 'segm' {
  const head = new TextDecoder().decode(results.slice(0, 1 << 16));
  return head.includes('"segmentation"') ? 'segm' : 'bbox';
}

function runWorker(req: EvalRequest, onStage: (stage: string) => void): Promise<EvalJobResult> {
  const worker = new Worker(new URL('./evalWorker.js', import.meta.url), { type: 'module' });
  return new Promise<EvalJobResult>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<EvalReply>) => {
      const m = ev.data;
      if (m.kind === 'stage') return onStage(m.stage);
      worker.terminate();
      if (m.kind === 'done') resolve(m.result);
      else reject(new BalmsInputError(m.message));
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new BalmsInputError(ev.message || 'the evaluation worker failed to start'));
    };
    // Copies (not transfers): the page keeps the bytes to re-evaluate and to draw the images.
    worker.postMessage(req);
  });
}

async function evaluate(state: ViewState): Promise<void> {
  if (!state.gt || !state.results) {
    status.textContent = `waiting for ${!state.gt ? 'a ground truth' : 'a results'} file`;
    setState('idle');
    return;
  }
  errorLine.textContent = '';
  setState('evaluating');
  progress.hidden = false;
  const t0 = performance.now();
  let stage = 'starting';
  const tick = () => (status.textContent = `evaluating: ${stage} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  tick();
  const timer = setInterval(tick, 200);
  try {
    const iouType = iouSelect.value as 'bbox' | 'segm';
    const result = await runWorker(
      { gt: state.gt.bytes, gtName: state.gt.name, results: state.results.bytes, resultsName: state.results.name, options: { iouType, coco: cocoBox.checked, source: state.results.fromModel ? 'model' : 'file' } },
      (s) => {
        stage = s;
        tick();
      },
    );
    state.result = result;
    renderResults(resultsRoot, result);
    stage = 'drawing images';
    tick();
    const decoder = new TextDecoder();
    const gt = JSON.parse(decoder.decode(state.gt.bytes)) as LvisDataset;
    const results = JSON.parse(decoder.decode(state.results.bytes)) as DetectionResult[];
    await renderImages(imagesRoot, { gt, results, imagesServed: state.session.images });
    status.textContent = `done in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
    progress.hidden = true;
    setState('done');
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
  } finally {
    clearInterval(timer);
  }
}

async function fetchFile(kind: ViewFileKind, name: string): Promise<Loaded> {
  const res = await fetch(`/files/${kind}`);
  if (!res.ok) throw new BalmsInputError(`${name}: the server could not read the file (${res.status})`);
  return { name, bytes: await res.arrayBuffer() };
}

/** The model panel: runs the checkpoint over the ground truth's images in the page. */
function modelPanel(state: ViewState): void {
  if (!state.session.checkpoint) return;
  const backend = el('select', { id: 'backend' });
  for (const b of ['webgl', 'webgpu', 'wasm', 'cpu']) backend.append(new Option(b, b));
  const run = el('button', { id: 'run-model' }, 'run the model on these images');
  const line = el('div', { id: 'model-status', class: 'muted' });
  modelRoot.replaceChildren(el('h2', {}, `Model: ${state.session.checkpoint}`), backend, run, line);
  run.addEventListener('click', async () => {
    if (!state.gt) return showError('load a ground truth first: the model runs over its images');
    run.disabled = true;
    try {
      const { runCheckpointOnImages } = await import('./modelRunner.js');
      const ckpt = await fetchFile('checkpoint', state.session.checkpoint!);
      const gt = JSON.parse(new TextDecoder().decode(state.gt.bytes)) as LvisDataset;
      const out = await runCheckpointOnImages({ checkpoint: ckpt.bytes, checkpointName: ckpt.name, gt, backend: backend.value, onProgress: (done, total, used) => (line.textContent = `${used}: ${done} / ${total} images`) });
      line.textContent = `${out.backend}: ${out.results.length} detections on ${out.images} images in ${out.seconds.toFixed(1)} s`;
      state.results = { name: 'model detections', bytes: new TextEncoder().encode(JSON.stringify(out.results)).buffer as ArrayBuffer, fromModel: true };
      iouSelect.value = out.results.some((r) => r.segmentation) ? 'segm' : 'bbox';
      await evaluate(state);
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e));
    } finally {
      run.disabled = false;
    }
  });
}

async function start(): Promise<void> {
  setState('loading');
  document.head.append(el('style', {}, VIEW_CSS));
  for (const t of ['segm', 'bbox']) iouSelect.append(new Option(t, t));
  const state: ViewState = { session: { gt: null, results: null, checkpoint: null, images: false }, gt: null, results: null, result: null };
  window.balmsView = { state, evaluate: () => evaluate(state) };
  const gtZone = dropZone('ground truth (LVIS JSON)', 'drop-gt', (f) => {
    state.gt = f;
    void evaluate(state);
  });
  const resultsZone = dropZone('results (LVIS results JSON)', 'drop-results', (f) => {
    state.results = f;
    iouSelect.value = guessIouType(f.bytes);
    void evaluate(state);
  });
  const again = el('button', { id: 'evaluate' }, 'evaluate');
  again.addEventListener('click', () => void evaluate(state));
  const labelled = (text: string, c: HTMLElement) => {
    const l = el('label', {}, text + ' ');
    l.append(c);
    return l;
  };
  const controls = el('div', { class: 'controls' });
  controls.append(gtZone.root, resultsZone.root, labelled('IoU type', iouSelect), labelled('COCOeval semantics', cocoBox), again);
  progress.hidden = true;
  document.body.append(
    el('h1', {}, 'balms view'),
    el('p', { class: 'muted' }, 'LVIS evaluation in this browser with lvis-api\u2019s exact semantics. Nothing leaves this machine.'),
    controls,
    progress,
    status,
    errorLine,
    modelRoot,
    resultsRoot,
    imagesRoot,
  );
  try {
    const res = await fetch('/api/session');
    if (res.ok) state.session = (await res.json()) as ViewSession;
    if (state.session.gt) {
      state.gt = await fetchFile('gt', state.session.gt);
      gtZone.name.textContent = state.session.gt;
    }
    if (state.session.results) {
      state.results = await fetchFile('results', state.session.results);
      resultsZone.name.textContent = state.session.results;
      iouSelect.value = guessIouType(state.results.bytes);
    }
    modelPanel(state);
  } catch (e) {
    return showError(e instanceof Error ? e.message : String(e));
  }
  await evaluate(state);
}

void start();
