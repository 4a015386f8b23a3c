import * as tf from '@tensorflow/tfjs';

/** Comparison and logical kernels whose output is piecewise constant: gradient zero everywhere. */
export const ZERO_GRADIENT_KERNELS = [
  'Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor',
  'LogicalNot', 'IsNan', 'IsInf', 'IsFinite',
] as const;

const UNARY = new Set<string>(['LogicalNot', 'IsNan', 'IsInf', 'IsFinite']);

/**
 * Register zero gradients for {@link ZERO_GRADIENT_KERNELS} that tfjs leaves without one, so that a
 * comparison on the differentiated path (`where(greater(x, 0), …)`) no longer throws. Gradients are
 * global in tfjs (not per backend); kernels that already have one are left alone. Returns the names
 * registered.
 */
export function registerComparisonGradients(): string[] {
  const done: string[] = [];
  for (const kernelName of ZERO_GRADIENT_KERNELS) {
    if (tf.getGradient(kernelName)) continue;
    const unary = UNARY.has(kernelName);
    tf.registerGradient({
      kernelName,
      // saved only for their shapes: with broadcasting an input's gradient is shaped like the input
      inputsToSave: unary ? ['x'] : ['a', 'b'],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): Record<string, () => tf.Tensor> =>
        unary
          ? { x: () => tf.zeros(saved[0]!.shape) }
          : { a: () => tf.zeros(saved[0]!.shape), b: () => tf.zeros(saved[1]!.shape) },
    });
    done.push(kernelName);
  }
  return done;
}
