// What every runtime check receives: the loss, the samples of its task as tensors, and a timer.
import * as tf from '@tensorflow/tfjs';
import type { CheckId, CheckResult, CheckStatus, Task } from '../report';
import { samplesFor, toTensor, type SamplePair, type TaskSamples } from './samples';

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => unknown;

export interface TensorPair {
  name: string;
  yTrue: tf.Tensor;
  yPred: tf.Tensor;
}

export interface CheckContext {
  loss: LossFn;
  task: Task;
  samples: TaskSamples;
  typical: TensorPair;
  perfect: TensorPair;
  alternatives: TensorPair[];
  boundaries: TensorPair[];
  /** Predictions across scales (see TaskSamples.scales). */
  scales: TensorPair;
  batch: number;
}

export function createContext(loss: LossFn, task: Task, seed: number, batch?: number, width?: number): CheckContext {
  const samples = samplesFor(task, { seed, ...(batch === undefined ? {} : { batch }), ...(width === undefined ? {} : { width }) });
  const pair = (p: SamplePair): TensorPair => ({ name: p.name, yTrue: toTensor(p.yTrue), yPred: toTensor(p.yPred) });
  const typical = pair(samples.typical);
  return {
    loss,
    task,
    samples,
    typical,
    perfect: pair(samples.perfect),
    alternatives: samples.alternatives.map(pair),
    boundaries: samples.boundaries.map(pair),
    scales: pair(samples.scales),
    batch: typical.yTrue.shape[0] ?? 1,
  };
}

export function disposeContext(ctx: CheckContext): void {
  for (const p of [ctx.typical, ctx.perfect, ...ctx.alternatives, ...ctx.boundaries, ctx.scales]) tf.dispose([p.yTrue, p.yPred]);
}

export function result(id: CheckId, status: CheckStatus, message: string, value?: number): Omit<CheckResult, 'ms'> {
  return value === undefined || Number.isNaN(value) ? { id, status, message } : { id, status, message, value };
}

/** Calls the loss and returns its output as a tensor (the caller disposes it), or throws what it threw. */
export function callLoss(loss: LossFn, pair: { yTrue: tf.Tensor; yPred: tf.Tensor }): tf.Tensor {
  const out = loss(pair.yTrue, pair.yPred);
  if (!(out instanceof tf.Tensor)) throw new TypeError(`the loss returned ${describeValue(out)}, not a tf.Tensor`);
  return out;
}

/** The loss's values on a pair, read back as numbers, with nothing left behind. */
export function lossValues(loss: LossFn, pair: { yTrue: tf.Tensor; yPred: tf.Tensor }): Float32Array {
  return tf.tidy(() => callLoss(loss, pair).dataSync() as Float32Array);
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length === 0 ? NaN : sum / values.length;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (typeof value === 'number') return `the number ${value}`;
  if (value instanceof Promise) return 'a Promise (an async loss?)';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `a ${typeof value}`;
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(3);
  return String(Math.round(x * 10000) / 10000);
}

/** The kernel in tfjs's "gradient function not found for X" error. */
export function missingGradientKernel(error: unknown): string | undefined {
  return /gradient function not found for (\w+)/.exec(String((error as Error)?.message ?? error))?.[1];
}
