/**
 * Region Proposal Network (detectron2 `StandardRPNHead` + `RPN`): a shared 3×3 conv with ReLU,
 * then 1×1 objectness (A per location) and 1×1 box deltas (4·A) on every level. Training matches
 * anchors to ground truth at IoU 0.3 / 0.7 (with low-quality matches), samples 256 anchors per
 * image at half positives, and returns sigmoid objectness and smooth-L1 box losses normalised by
 * `batchSizePerImage · images`. Proposals: per level the top-k anchors by objectness, decoded,
 * clipped, tiny boxes dropped, per-level NMS, then the top-k per image.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { AnchorGenerator } from './anchors.js';
import { BoxCoder } from './boxCoder.js';
import { boxCount, clipBoxesInPlace, pairwiseIou } from './boxes.js';
import type { AnchorConfig, RpnConfig } from './config.js';
import { Conv2d, smoothL1 } from './layers.js';
import { Matcher } from './matcher.js';
import { argsortDescending, batchedNms } from './nms.js';
import type { ParameterStore } from './parameterStore.js';
import type { FeatureLevel } from './roiHeads.js';
import { subsampleLabels } from './roiSampler.js';
import { readSync, type TensorReads } from './tensorReads.js';
import { BalmsInputError } from '../util/errors.js';

/** Raw RPN outputs over all levels (anchors concatenated level by level in `(y, x, a)` order). */
export interface RpnOutputs {
  /** `[N, totalAnchors]` objectness logits. */
  objectness: tf.Tensor2D;
  /** `[N, totalAnchors, 4]` deltas. */
  deltas: tf.Tensor3D;
  /** Anchors per level, flat `A_l*4`. */
  anchors: Float32Array[];
}

export class Rpn {
  readonly conv: Conv2d;
  readonly objectness: Conv2d;
  readonly anchorDeltas: Conv2d;
  readonly anchorGenerator: AnchorGenerator;
  readonly boxCoder: BoxCoder;
  readonly matcher: Matcher;

  constructor(store: ParameterStore, readonly cfg: RpnConfig, anchors: AnchorConfig, strides: readonly number[], channels: number, prefix = 'rpn') {
    this.anchorGenerator = new AnchorGenerator(anchors.sizes, anchors.aspectRatios, strides, anchors.offset);
    const a = this.anchorGenerator.numAnchors(0);
    const init = { kind: 'normal', std: 0.01 } as const;
    this.conv = new Conv2d(store, `${prefix}/head/conv`, channels, channels, 3, 1, init);
    this.objectness = new Conv2d(store, `${prefix}/head/objectness_logits`, channels, a, 1, 1, init);
    this.anchorDeltas = new Conv2d(store, `${prefix}/head/anchor_deltas`, channels, 4 * a, 1, 1, init);
    this.boxCoder = new BoxCoder(cfg.bboxRegWeights);
    this.matcher = new Matcher({ thresholds: [...cfg.iouThresholds], labels: [0, -1, 1], allowLowQualityMatches: true });
  }

  /** Head outputs for every level. */
  apply(features: readonly FeatureLevel[]): RpnOutputs {
    const objs: tf.Tensor2D[] = [];
    const dels: tf.Tensor3D[] = [];
    const anchors: Float32Array[] = [];
    features.forEach((f, l) => {
      const [n, h, w] = f.features.shape;
      const t = this.conv.apply(f.features, true);
      objs.push(tf.reshape(this.objectness.apply(t), [n, -1]) as tf.Tensor2D);
      dels.push(tf.reshape(this.anchorDeltas.apply(t), [n, -1, 4]) as tf.Tensor3D);
      anchors.push(this.anchorGenerator.level(l, h, w));
    });
    return {
      objectness: (objs.length === 1 ? objs[0]! : tf.concat(objs, 1)) as tf.Tensor2D,
      deltas: (dels.length === 1 ? dels[0]! : tf.concat(dels, 1)) as tf.Tensor3D,
      anchors,
    };
  }

  /** `loss_rpn_cls` and `loss_rpn_loc` for ground-truth boxes per image. */
  losses(out: RpnOutputs, gtBoxes: readonly Float32Array[], rng: Rng): Record<string, tf.Scalar> {
    const [n, total] = out.objectness.shape;
    if (gtBoxes.length !== n) throw new BalmsInputError(`Rpn.losses: ${gtBoxes.length} targets for ${n} images`);
    let anchors: Float32Array = out.anchors[0]!;
    if (out.anchors.length > 1) {
      anchors = new Float32Array(total * 4);
      let o = 0;
      for (const a of out.anchors) {
        anchors.set(a, o);
        o += a.length;
      }
    }
    const labels = new Float32Array(n * total);
    const valid = new Float32Array(n * total);
    const tgt = new Float32Array(n * total * 4);
    const pos = new Float32Array(n * total * 4);
    for (let img = 0; img < n; img++) {
      const gt = gtBoxes[img]!;
      const g = boxCount(gt);
      const m = this.matcher.match(pairwiseIou(gt, anchors), g, total);
      const s = subsampleLabels(m.labels, this.cfg.batchSizePerImage, this.cfg.positiveFraction, 0, rng);
      for (const i of s.negative) valid[img * total + i] = 1;
      if (s.positive.length) {
        const src = new Float32Array(s.positive.length * 4);
        const dst = new Float32Array(s.positive.length * 4);
        s.positive.forEach((i, k) => {
          src.set(anchors.subarray(4 * i, 4 * i + 4), 4 * k);
          const gi = m.matches[i]!;
          dst.set(gt.subarray(4 * gi, 4 * gi + 4), 4 * k);
        });
        const enc = this.boxCoder.encode(src, dst);
        s.positive.forEach((i, k) => {
          const o = img * total + i;
          valid[o] = 1;
          labels[o] = 1;
          tgt.set(enc.subarray(4 * k, 4 * k + 4), 4 * o);
          pos.fill(1, 4 * o, 4 * o + 4);
        });
      }
    }
    const norm = this.cfg.batchSizePerImage * n;
    return tf.tidy(() => {
      const x = out.objectness;
      const z = tf.tensor2d(labels, [n, total]);
      const bce = tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
      const lossCls = tf.div(tf.sum(tf.mul(bce, tf.tensor2d(valid, [n, total]))), norm);
      const diff = tf.sub(out.deltas, tf.tensor3d(tgt, [n, total, 4]));
      const lossLoc = tf.div(tf.sum(tf.mul(smoothL1(diff, this.cfg.smoothL1Beta), tf.tensor3d(pos, [n, total, 4]))), norm);
      return {
        loss_rpn_cls: tf.mul(lossCls, this.cfg.lossWeight) as tf.Scalar,
        loss_rpn_loc: tf.mul(lossLoc, this.cfg.lossWeight) as tf.Scalar,
      };
    });
  }

  /** Proposals (`P*4` XYXY, best first) per image; `training` picks the train or test top-k. */
  proposals(out: RpnOutputs, imageSizes: readonly (readonly [number, number])[], training: boolean): Float32Array[] {
    return readSync(this.proposalSteps(out, imageSizes, training));
  }

  /** `proposals` with its tensor reads left to the caller's driver (see tensorReads.ts). */
  *proposalSteps(out: RpnOutputs, imageSizes: readonly (readonly [number, number])[], training: boolean): TensorReads<Float32Array[]> {
    const [n, total] = out.objectness.shape;
    const [obj, del] = (yield [out.objectness, out.deltas]) as [Float32Array, Float32Array];
    const preK = training ? this.cfg.preNmsTopKTrain : this.cfg.preNmsTopKTest;
    const postK = training ? this.cfg.postNmsTopKTrain : this.cfg.postNmsTopKTest;
    const result: Float32Array[] = [];
    for (let img = 0; img < n; img++) {
      const boxesParts: Float32Array[] = [];
      const scoreParts: number[] = [];
      const levelParts: number[] = [];
      let start = 0;
      out.anchors.forEach((anchors, l) => {
        const a = anchors.length / 4;
        const scores = obj.subarray(img * total + start, img * total + start + a);
        const order = argsortDescending(scores);
        const k = Math.min(preK, a);
        const selAnchors = new Float32Array(k * 4);
        const selDeltas = new Float32Array(k * 4);
        for (let j = 0; j < k; j++) {
          const i = order[j]!;
          selAnchors.set(anchors.subarray(4 * i, 4 * i + 4), 4 * j);
          const d = (img * total + start + i) * 4;
          selDeltas.set(del.subarray(d, d + 4), 4 * j);
          scoreParts.push(scores[i]!);
          levelParts.push(l);
        }
        boxesParts.push(this.boxCoder.decode(selDeltas, selAnchors));
        start += a;
      });
      const all = new Float32Array(scoreParts.length * 4);
      let o = 0;
      for (const b of boxesParts) {
        all.set(b, o);
        o += b.length;
      }
      const [h, w] = imageSizes[img]!;
      clipBoxesInPlace(all, h, w);
      // Drop non-finite and small boxes.
      const keepIdx: number[] = [];
      for (let i = 0; i < scoreParts.length; i++) {
        const bw = all[4 * i + 2]! - all[4 * i]!;
        const bh = all[4 * i + 3]! - all[4 * i + 1]!;
        if (Number.isFinite(bw + bh + scoreParts[i]!) && bw > this.cfg.minSize && bh > this.cfg.minSize) keepIdx.push(i);
      }
      const boxes = new Float32Array(keepIdx.length * 4);
      const scores = new Float32Array(keepIdx.length);
      const levels = new Int32Array(keepIdx.length);
      keepIdx.forEach((i, k) => {
        boxes.set(all.subarray(4 * i, 4 * i + 4), 4 * k);
        scores[k] = scoreParts[i]!;
        levels[k] = levelParts[i]!;
      });
      const keep = batchedNms(boxes, scores, levels, this.cfg.nmsThreshold);
      const p = Math.min(keep.length, postK);
      const props = new Float32Array(p * 4);
      for (let j = 0; j < p; j++) props.set(boxes.subarray(4 * keep[j]!, 4 * keep[j]! + 4), 4 * j);
      result.push(props);
    }
    return result;
  }
}
