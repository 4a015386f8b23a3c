/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets (He et al. 2016; the official BALMS
 * `ResNet32Feature`): where a block halves the resolution and widens the channels, the identity is
 * subsampled (`x[:, :, ::2, ::2]`, rows and columns 0, 2, 4, …) and zero-padded with
 * `(outChannels − inChannels) / 2` channels on each side (the official `planes // 4` for a doubling).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';

/** `x: [N, H, W, Cin]` → `[N, ⌈H/2⌉, ⌈W/2⌉, outChannels]`, differentiable (pad, reshape and slice). */
export function optionAShortcut(x: tf.Tensor4D, outChannels: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const extra = outChannels - c;
  if (extra < 0 || extra % 2 !== 0) throw new BalmsInputError(`optionAShortcut: cannot pad ${c} channels to ${outChannels} evenly`);
  return tf.tidy(() => {
    const h2 = Math.ceil(h / 2);
    const w2 = Math.ceil(w / 2);
    // make H and W even, split each into (pairs, 2) and keep the first of every pair
    const xe = h % 2 || w % 2 ? tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]) : x;
    const pairs = tf.reshape(xe, [n, h2, 2, w2, 2, c]);
    const sub = tf.reshape(tf.slice(pairs, [0, 0, 0, 0, 0, 0], [n, h2, 1, w2, 1, c]), [n, h2, w2, c]);
    return (extra === 0 ? sub : tf.pad(sub, [[0, 0], [0, 0], [0, 0], [extra / 2, extra / 2]])) as tf.Tensor4D;
  });
}
