/**
 * A frozen tfjs GraphModel run as a backbone, one image at a time (graphs such as CenterNet take
 * batch 1 only): the image (RGB 0–255) is resized to the graph's fixed input when it has one, cast
 * to its input dtype, and run to the feature nodes and the proposal nodes in one `executeAsync`.
 * Its weights are constants: nothing here is trained.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';
import { cocoSsdProposals, type ProposalOptions } from '../cocoSsd/cocoSsdProposals.js';
import { nms } from '../nms.js';
import { graphFrame, type GraphBackboneSpec } from './graphSpec.js';

export type { ProposalOptions } from '../cocoSsd/cocoSsdProposals.js';

/** What the graph gives for one image. */
export interface GraphOutputs {
  /** One `[1, h, w, c]` map per feature node, in the frame (caller disposes). */
  features: tf.Tensor4D[];
  /** Class-agnostic proposals `P×4` XYXY in the frame, best first (empty without a decoder). */
  proposals: Float32Array;
  /** The frame `[h, w]`. */
  frame: [number, number];
}

export class GraphBackbone {
  /**
   * @param featureWidths channels of each feature node (read once at load: `loadGraphBackbone`)
   */
  constructor(
    readonly graph: tf.GraphModel,
    readonly spec: GraphBackboneSpec,
    readonly featureWidths: readonly number[],
    readonly proposalOptions: ProposalOptions = {},
    /** Whether `execute` runs the graph (no control flow or dynamic shapes on the way to the nodes), else `executeAsync`. */
    readonly synchronous = false,
  ) {
    if (featureWidths.length !== spec.featureNodes.length) throw new BalmsInputError(`graph backbone: ${featureWidths.length} feature widths for ${spec.featureNodes.length} feature nodes`);
  }

  get strides(): number[] {
    return this.spec.featureNodes.map((n) => n.stride);
  }

  /** Runs the graph on one image `[h, w, 3]` (RGB 0–255, float32). */
  async run(image: tf.Tensor3D): Promise<GraphOutputs> {
    const spec = this.spec;
    const frame = graphFrame(spec, [image.shape[0], image.shape[1]]);
    const input = tf.tidy(() => {
      let x: tf.Tensor4D = tf.expandDims(image, 0);
      if (spec.inputSize) x = tf.image.resizeBilinear(x, spec.inputSize);
      return spec.inputDtype === 'int32' ? tf.cast(tf.round(tf.clipByValue(x, 0, 255)), 'int32') : x;
    });
    const nodes = [...spec.featureNodes.map((n) => n.name), ...spec.proposalNodes];
    let outs: tf.Tensor[];
    try {
      outs = (this.synchronous ? this.graph.execute(input, nodes) : await this.graph.executeAsync(input, nodes)) as tf.Tensor[];
    } catch (e) {
      throw new BalmsInputError(`graph backbone: running the graph to ${nodes.join(', ')} failed: ${(e as Error).message}`);
    } finally {
      input.dispose();
    }
    const features = outs.slice(0, spec.featureNodes.length) as tf.Tensor4D[];
    const raw = outs.slice(spec.featureNodes.length);
    try {
      features.forEach((f, i) => {
        if (f.rank !== 4 || f.shape[0] !== 1) throw new BalmsInputError(`graph backbone: feature node ${spec.featureNodes[i]!.name} has shape [${f.shape}], expected [1, h, w, c]`);
        if (f.shape[3] !== this.featureWidths[i]) throw new BalmsInputError(`graph backbone: feature node ${spec.featureNodes[i]!.name} has ${f.shape[3]} channels, the model was built for ${this.featureWidths[i]}`);
      });
      const proposals = await this.decode(raw, frame);
      return { features: features.map((f) => (f.dtype === 'float32' ? f : tf.cast(f, 'float32'))), proposals, frame };
    } catch (e) {
      tf.dispose(features);
      throw e;
    } finally {
      tf.dispose(raw);
    }
  }

  private async decode(raw: tf.Tensor[], frame: [number, number]): Promise<Float32Array> {
    const spec = this.spec;
    const opts = this.proposalOptions;
    if (spec.proposalDecoder === 'none') return new Float32Array(0);
    if (spec.proposalDecoder === 'ssd') {
      const [s, b] = raw as [tf.Tensor, tf.Tensor];
      if (s.rank !== 3 || b.rank !== 4 || b.shape[1] !== s.shape[1] || b.shape[3] !== 4) {
        throw new BalmsInputError(`graph backbone: unexpected ssd output shapes [${s.shape}], [${b.shape}] (expected [1, B, C] and [1, B, 1, 4])`);
      }
      const [scores, boxes] = (await Promise.all([s.data(), b.data()])) as [Float32Array, Float32Array];
      return cocoSsdProposals({ scores, boxes, numBoxes: s.shape[1]!, numClasses: s.shape[2]! }, frame, opts).boxes;
    }
    const [d] = raw as [tf.Tensor];
    if (d.rank !== 3 || d.shape[2] !== 6) throw new BalmsInputError(`graph backbone: unexpected centernet detections shape [${d.shape}] (expected [1, K, 6])`);
    return centernetProposals((await d.data()) as Float32Array, d.shape[1]!, frame, opts);
  }

  dispose(): void {
    this.graph.dispose();
  }
}

/** CenterNet's detections (`x1, y1, x2, y2, score, class` rows in frame pixels) as class-agnostic proposals: score threshold, NMS, top-k. */
export function centernetProposals(rows: Float32Array, k: number, frame: readonly [number, number], opts: ProposalOptions = {}): Float32Array {
  const [h, w] = frame;
  const minScore = opts.minScore ?? 0;
  const boxes = new Float32Array(4 * k);
  const scores = new Float32Array(k);
  const candidates: number[] = [];
  for (let i = 0; i < k; i++) {
    const r = rows.subarray(6 * i, 6 * i + 6);
    const x1 = Math.min(Math.max(r[0]!, 0), w), y1 = Math.min(Math.max(r[1]!, 0), h);
    const x2 = Math.min(Math.max(r[2]!, 0), w), y2 = Math.min(Math.max(r[3]!, 0), h);
    boxes.set([x1, y1, x2, y2], 4 * i);
    scores[i] = r[4]!;
    if (Number.isFinite(r[4]!) && r[4]! >= minScore && x2 > x1 && y2 > y1) candidates.push(i);
  }
  const keep = nms(boxes, scores, opts.nmsThreshold ?? 0.7, opts.topK ?? 1000, Int32Array.from(candidates));
  const out = new Float32Array(4 * keep.length);
  keep.forEach((i, j) => out.set(boxes.subarray(4 * i, 4 * i + 4), 4 * j));
  return out;
}
