/**
 * The view page's evaluation worker: receives the two files' bytes, runs `runEvalJob` off the main
 * thread (the results bytes are read straight into typed columns, never decoded to a string) (the page stays responsive and shows each stage), and posts back the result or the
 * one-line input error.
 */
import { isBalmsInputError } from '../util/errors.js';
import { runEvalJob, type EvalJob, type EvalJobResult, type EvalStage } from './evalJob.js';

export interface EvalRequest {
  gt: ArrayBuffer;
  gtName: string;
  results: ArrayBuffer;
  resultsName: string;
  options: Omit<EvalJob, 'gtText' | 'gtName' | 'resultsText' | 'resultsBytes' | 'resultsName'>;
}

export type EvalReply =
  | { kind: 'stage'; stage: EvalStage }
  | { kind: 'done'; result: EvalJobResult }
  | { kind: 'error'; message: string; input: boolean };

interface WorkerScope {
  onmessage: ((ev: MessageEvent<EvalRequest>) => void) | null;
  postMessage(message: EvalReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const decoder = new TextDecoder();

scope.onmessage = (ev) => {
  const req = ev.data;
  try {
    const result = runEvalJob(
      { ...req.options, gtText: decoder.decode(req.gt), gtName: req.gtName, resultsBytes: new Uint8Array(req.results), resultsName: req.resultsName },
      (stage) => scope.postMessage({ kind: 'stage', stage }),
    );
    scope.postMessage({ kind: 'done', result }, [result.precision.data.buffer, result.recall.data.buffer]);
  } catch (e) {
    const input = isBalmsInputError(e);
    scope.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e), input });
  }
};
