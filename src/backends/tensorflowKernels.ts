import * as tf from '@tensorflow/tfjs';
import { BalmsInternalError } from '../util/errors.js';

/**
 * TensorFlow's own kernels that tfjs-node has but tfjs does not expose as ops, run through
 * tfjs-node's binding on the 'tensorflow' backend (tfjs-node and tfjs-node-gpu) and registered as
 * tfjs kernels (so `tf.profile` and the engine see them):
 * - `BalmsReluGrad`: TF ReluGrad, `dy · [y > 0]` in one pass (tfjs-node's Step, which tfjs's own
 *   ReLU gradients use, is five ops: IsNan, Greater, Fill, Ones and Select);
 * - `BalmsSparseDenseMatMul`: TF SparseTensorDenseMatMul, `A @ B` or `Aᵀ @ B` for a COO matrix A
 *   (RoIAlign's sampling matrix). Its `a_shape` input is int64, which tfjs cannot express, so the
 *   binding creates it directly.
 */
export const RELU_GRAD = 'BalmsReluGrad';
export const SPARSE_DENSE_MATMUL = 'BalmsSparseDenseMatMul';

/** True when the active backend is TensorFlow itself (tfjs-node or tfjs-node-gpu). */
export function onTensorFlow(): boolean {
  return tf.getBackend() === 'tensorflow';
}

interface OpAttr {
  name: string;
  type: number;
  value: number | boolean;
}

/** The parts of tfjs-node's binding and NodeJSKernelBackend used here (stable since tfjs-node 1.x). */
interface Binding {
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], numOutputs: number): unknown[];
  createTensor(shape: number[], dtype: number, values: Int32Array): number;
  deleteTensor(id: number): void;
  TF_FLOAT: number;
  TF_INT32: number;
  TF_INT64: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
}
interface NodeBackend {
  binding: Binding;
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  createOutputTensor(metadata: unknown): tf.Tensor;
}

function nodeBackend(backend: unknown): NodeBackend {
  const b = backend as Partial<NodeBackend>;
  if (!b.binding || typeof b.getInputTensorIds !== 'function' || typeof b.createOutputTensor !== 'function') {
    throw new BalmsInternalError('the tensorflow backend does not expose the tfjs-node binding balms expects');
  }
  return b as NodeBackend;
}

function execute(be: NodeBackend, name: string, attrs: OpAttr[], inputIds: number[]): tf.Tensor {
  return be.createOutputTensor(be.binding.executeOp(name, attrs, inputIds, 1)[0]);
}

let registered = false;

/** Registers the kernels above for the 'tensorflow' backend (once; a no-op when it is absent). */
export function registerTensorFlowKernels(): void {
  if (registered || !tf.findBackendFactory('tensorflow')) return;
  registered = true;
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const be = nodeBackend(backend);
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      const t: OpAttr = { name: 'T', type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
      return execute(be, 'ReluGrad', [t], be.getInputTensorIds([dy, y]));
    },
  });
  tf.registerKernel({
    kernelName: SPARSE_DENSE_MATMUL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const be = nodeBackend(backend);
      const B = be.binding;
      const { indices, values, b } = inputs as { indices: tf.TensorInfo; values: tf.TensorInfo; b: tf.TensorInfo };
      const { rows, cols, adjointA } = attrs as unknown as SparseDenseMatMulAttrs;
      const shapeId = B.createTensor([2], B.TF_INT64, new Int32Array([rows, 0, cols, 0])); // int64 as (low, high) pairs
      try {
        const [iId, vId, bId] = be.getInputTensorIds([indices, values, b]);
        return execute(be, 'SparseTensorDenseMatMul', [
          { name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
          { name: 'Tindices', type: B.TF_ATTR_TYPE, value: B.TF_INT32 },
          { name: 'adjoint_a', type: B.TF_ATTR_BOOL, value: adjointA },
          { name: 'adjoint_b', type: B.TF_ATTR_BOOL, value: false },
        ], [iId!, vId!, shapeId, bId!]);
      } finally {
        B.deleteTensor(shapeId);
      }
    },
  });
}

interface SparseDenseMatMulAttrs {
  rows: number;
  cols: number;
  adjointA: boolean;
}

/**
 * The gradient of a ReLU output `y` given `dy`: `dy · [y > 0]`. One TensorFlow ReluGrad on the
 * 'tensorflow' backend, `dy · step(y)` elsewhere. Not differentiable (for gradient functions).
 */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (onTensorFlow()) {
    registerTensorFlowKernels();
    return tf.engine().runKernel(RELU_GRAD, { dy, y }, {}) as tf.Tensor;
  }
  return tf.mul(dy, tf.step(y));
}

/**
 * `A @ b` (or `Aᵀ @ b` with `adjointA`) for the `rows × cols` sparse matrix A given as COO
 * `indices: [nnz, 2]` (int32 row, column; duplicates add up) and `values: [nnz]`, `b` float32 2-D.
 * 'tensorflow' backend only (TF SparseTensorDenseMatMul). Not differentiable.
 */
export function sparseDenseMatMul(indices: tf.Tensor2D, values: tf.Tensor1D, rows: number, cols: number, b: tf.Tensor2D, adjointA = false): tf.Tensor2D {
  if (!onTensorFlow()) throw new BalmsInternalError(`sparseDenseMatMul needs the tensorflow backend, not '${tf.getBackend()}'`);
  registerTensorFlowKernels();
  const attrs: SparseDenseMatMulAttrs = { rows, cols, adjointA };
  return tf.engine().runKernel(SPARSE_DENSE_MATMUL, { indices, values, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
