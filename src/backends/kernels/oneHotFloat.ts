/**
 * wasm's OneHot kernel (tfjs 4.22) ignores the `dtype` attribute: `tf.oneHot(y, c, 1, 0, 'float32')`
 * returns a float32 tensor whose bytes are int32 ones (1.4e-45), silently corrupting every loss
 * built on it. This wrapper keeps the original kernel for int32 and builds other dtypes itself.
 */
import * as tf from '@tensorflow/tfjs';

interface OneHotAttrs {
  depth: number;
  onValue: number;
  offValue: number;
  dtype?: tf.DataType;
}

export function makeOneHotWithDtype(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'OneHot',
    backendName: original.backendName,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as OneHotAttrs;
      const dtype = attrs.dtype ?? 'int32';
      if (dtype === 'int32') return original.kernelFunc(args);
      const indices = args.inputs['indices'] as tf.TensorInfo;
      const backend = args.backend as tf.KernelBackend;
      const idx = backend.readSync(indices.dataId) as Int32Array;
      const depth = attrs.depth;
      const out = new Float32Array(idx.length * depth);
      if (attrs.offValue !== 0) out.fill(attrs.offValue);
      for (let i = 0; i < idx.length; i++) {
        const k = idx[i]!;
        if (k >= 0 && k < depth) out[i * depth + k] = attrs.onValue;
      }
      const shape = [...indices.shape, depth];
      return { dataId: backend.write(out, shape, dtype), shape, dtype };
    },
  };
}
