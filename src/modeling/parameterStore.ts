/**
 * The named trainable parameters of a model: `tf.Variable`s with stable, slash-separated names
 * (`backbone/stage1/conv1/kernel`), created once with seeded initialisers and looked up by name
 * afterwards. Names double as the tfjs variable names, so they must be unique per process: a
 * store takes a `scope` prefix (default: a fresh `model<N>/`) that is stripped from the names it reports.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { BalmsInputError } from '../util/errors.js';

/** How a parameter's initial values are drawn. */
export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number }
  /** He (Kaiming) normal, std = sqrt(2 / fanIn) (`c2_msra_fill` uses fan-out; either is fine from scratch). */
  | { kind: 'heNormal'; fanIn: number }
  /** Glorot (Xavier) uniform, limit = sqrt(6 / (fanIn + fanOut)). */
  | { kind: 'glorotUniform'; fanIn: number; fanOut: number }
  /** Normal with a fixed std (detectron2 uses 0.01 for class scores, 0.001 for box deltas). */
  | { kind: 'normal'; std: number }
  /** Uniform on [−limit, limit] (PyTorch's `nn.Linear` default: limit = 1/sqrt(fanIn) for weight and bias). */
  | { kind: 'uniform'; limit: number };

/** Fills a new array of `size` values by the initializer. */
export function initialValues(init: Initializer, size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'constant':
      out.fill(init.value);
      break;
    case 'heNormal': {
      const std = Math.sqrt(2 / init.fanIn);
      for (let i = 0; i < size; i++) out[i] = std * rng.normal();
      break;
    }
    case 'glorotUniform': {
      const lim = Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-lim, lim);
      break;
    }
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = init.std * rng.normal();
      break;
    case 'uniform':
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-init.limit, init.limit);
      break;
  }
  return out;
}

let storeCounter = 0;

export class ParameterStore {
  private readonly vars = new Map<string, tf.Variable>();
  readonly scope: string;

  /** @param rng draws every initial value; parameters created in the same order get the same values */
  constructor(
    private readonly rng: Rng,
    scope?: string,
  ) {
    this.scope = scope ?? `balms_model${++storeCounter}/`;
  }

  /** Creates a parameter (throws if the name exists). */
  create(name: string, shape: number[], init: Initializer, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new BalmsInputError(`ParameterStore: parameter '${name}' already exists`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = initialValues(init, size, this.rng);
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable, this.scope + name));
    this.vars.set(name, v);
    return v;
  }

  /** The parameter called `name` (throws if missing). */
  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new BalmsInputError(`ParameterStore: no parameter '${name}'`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** All parameters by name, in creation order. */
  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  /** Parameters whose name starts with one of the prefixes (e.g. `roi_heads/box_predictor/cls_score/`). */
  select(prefixes: string | readonly string[]): tf.Variable[] {
    const list = typeof prefixes === 'string' ? [prefixes] : prefixes;
    return [...this.vars].filter(([n]) => list.some((p) => n.startsWith(p))).map(([, v]) => v);
  }

  /** Total number of scalars. */
  numParameters(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies values in from a name → tensor map (shapes must match); missing names are an error unless `allowMissing`. */
  assign(values: Map<string, tf.Tensor> | Record<string, tf.Tensor>, allowMissing = false): void {
    const entries = values instanceof Map ? [...values] : Object.entries(values);
    const seen = new Set<string>();
    for (const [name, t] of entries) {
      const v = this.vars.get(name);
      if (!v) throw new BalmsInputError(`ParameterStore.assign: unknown parameter '${name}'`);
      if (!tf.util.arraysEqual(v.shape, t.shape)) throw new BalmsInputError(`ParameterStore.assign: '${name}' has shape [${v.shape}], got [${t.shape}]`);
      v.assign(t);
      seen.add(name);
    }
    if (!allowMissing) {
      const missing = [...this.vars.keys()].filter((n) => !seen.has(n));
      if (missing.length) throw new BalmsInputError(`ParameterStore.assign: missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
