/**
 * Loads a frozen GraphModel from a local `model.json` (weight shards beside it; nothing is
 * downloaded) as a `GraphBackbone`: checks that every named node exists (naming near matches when
 * one does not), and reads each feature node's channels from one run on a blank image.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';
import { GraphBackbone, type ProposalOptions } from './graphBackbone.js';
import { checkGraphSpec, graphFrame, type GraphBackboneSpec } from './graphSpec.js';
import { fileModelHandler, localModelUrl } from './localModel.js';

/** The path of the `model.json` a model location (folder, `.json` path or `file://` URL) names. */
export function modelJsonPath(modelUrl: string): string {
  return fileURLToPath(localModelUrl(modelUrl));
}

/** Node names of a `model.json`'s topology (constants included). */
export function graphNodeNames(jsonPath: string): string[] {
  let json: { modelTopology?: { node?: { name: string }[] } };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as typeof json;
  } catch (e) {
    throw new BalmsInputError(`cannot read the model file: ${(e as Error).message}`, { file: jsonPath });
  }
  const nodes = json?.modelTopology?.node;
  if (!Array.isArray(nodes)) throw new BalmsInputError('not a tfjs graph model (modelTopology.node is missing)', { file: jsonPath });
  return nodes.map((n) => n.name);
}

function checkNodes(spec: GraphBackboneSpec, names: readonly string[], file: string): void {
  const have = new Set(names);
  for (const node of [...spec.featureNodes.map((n) => n.name), ...spec.proposalNodes]) {
    if (have.has(node)) continue;
    const tail = node.split('/').pop()!;
    const near = names.filter((n) => n.endsWith('/' + tail) || n === tail).slice(0, 5);
    throw new BalmsInputError(`the graph has no node '${node}'${near.length ? ` (nodes ending in '${tail}': ${near.join(', ')})` : ''}`, { file, path: 'model.featureNodes' });
  }
}

export async function loadGraphBackbone(modelUrl: string, spec: GraphBackboneSpec, proposalOptions: ProposalOptions = {}): Promise<GraphBackbone> {
  checkGraphSpec(spec, { prefix: 'model.' });
  const file = modelJsonPath(modelUrl);
  checkNodes(spec, graphNodeNames(file), file);
  let graph: tf.GraphModel;
  try {
    graph = await tf.loadGraphModel(fileModelHandler(file));
  } catch (e) {
    if (e instanceof BalmsInputError) throw e;
    throw new BalmsInputError(`cannot load the graph model: ${(e as Error).message}`, { file });
  }
  try {
    const [h, w] = graphFrame(spec, [256, 256]);
    const probe = tf.zeros([spec.inputSize ? spec.inputSize[0] : h, spec.inputSize ? spec.inputSize[1] : w, 3], 'float32') as tf.Tensor3D;
    let feats: tf.Tensor[];
    let synchronous = true;
    try {
      const input = tf.tidy(() => (spec.inputDtype === 'int32' ? tf.cast(tf.expandDims(probe, 0), 'int32') : tf.expandDims(probe, 0)));
      const nodes = [...spec.featureNodes.map((n) => n.name), ...spec.proposalNodes];
      try {
        try {
          feats = graph.execute(input, nodes) as tf.Tensor[];
        } catch {
          // control flow or dynamic shapes on the way: only executeAsync runs it
          synchronous = false;
          feats = (await graph.executeAsync(input, nodes)) as tf.Tensor[];
        }
        tf.dispose(feats.splice(spec.featureNodes.length));
      } finally {
        input.dispose();
      }
    } catch (e) {
      throw new BalmsInputError(`running the graph to its feature nodes failed: ${(e as Error).message}`, { file });
    } finally {
      probe.dispose();
    }
    const widths = feats.map((f, i) => {
      if (f.rank !== 4) throw new BalmsInputError(`feature node ${spec.featureNodes[i]!.name} has shape [${f.shape}], expected [1, h, w, c]`, { file, path: 'model.featureNodes' });
      return f.shape[3]!;
    });
    tf.dispose(feats);
    return new GraphBackbone(graph, spec, widths, proposalOptions, synchronous);
  } catch (e) {
    graph.dispose();
    throw e;
  }
}
