import * as tf from '@tensorflow/tfjs';
import { BalmsInternalError } from '../util/errors.js';

/** A backend's data handle with what a kernel needs to know about it. */
export type Info = tf.TensorInfo;

/**
 * Calls into one backend's registered kernels from inside another kernel, tracking every
 * intermediate so that it can be freed with {@link KernelCalls.free}. Reshapes are free views.
 */
export class KernelCalls {
  private readonly temps: Info[] = [];

  constructor(
    readonly backendName: string,
    readonly backend: tf.KernelBackend,
  ) {}

  /** Run kernel `name`; the result is an intermediate unless passed to {@link keep}. */
  run(name: string, inputs: Record<string, Info> | Info[], attrs: Record<string, unknown> = {}): Info {
    const k = tf.getKernel(name, this.backendName);
    if (!k) throw new BalmsInternalError(`kernel ${name} is not registered for backend '${this.backendName}'`);
    const out = k.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend });
    const info = (Array.isArray(out) ? out[0] : out) as Info;
    this.temps.push(info);
    return info;
  }

  /** A view of `x` with another shape (same data, same element count). */
  view(x: Info, shape: number[]): Info {
    return { dataId: x.dataId, shape, dtype: x.dtype };
  }

  /** Exclude `x` (the kernel's result) from {@link free}. */
  keep(x: Info): Info {
    const i = this.temps.findIndex((t) => t.dataId === x.dataId);
    if (i >= 0) this.temps.splice(i, 1);
    return x;
  }

  /** Free every intermediate not kept. */
  free(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}
