// Task presets (DESIGN.md "Task presets", a contract): seeded sample tensors as plain data, so that
// they cross a worker boundary and the caller owns (and disposes) the tensors made from them.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../random';
import type { Task } from '../report';

export interface SampleTensor {
  shape: number[];
  values: Float32Array;
}

export interface SamplePair {
  name: string;
  yTrue: SampleTensor;
  yPred: SampleTensor;
}

export interface TaskSamples {
  task: Task;
  /** Typical labels and predictions near them but not equal to them. */
  typical: SamplePair;
  /** yPred equal to yTrue in prediction space (for sparse: the one-hot of the integer labels). */
  perfect: SamplePair;
  /** Other predictions for perfect's yTrue: a sound loss is larger at each of them. */
  alternatives: SamplePair[];
  /** Exact 0 and 1 probabilities, exact matches, large residuals: for finite-at-boundaries. */
  boundaries: SamplePair[];
}

/** Unlike the feature sizes (4, 5): equal sizes hide [N] against [N, 1] broadcasting bugs (DESIGN.md). */
export const DEFAULT_BATCH = 6;
const FEATURES = 4;
const CLASSES = 5;
const SIDE = 16;
/** Typical probabilities stay in [0.05, 0.95]: the gradient check's step (about 4.9e-3) then stays inside (0, 1). */
const LOW = 0.05;
const HIGH = 0.95;

function tensor(shape: number[], fill: (i: number) => number): SampleTensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = fill(i);
  return { shape, values };
}

function map(t: SampleTensor, f: (v: number, i: number) => number): SampleTensor {
  return { shape: [...t.shape], values: Float32Array.from(t.values, f) };
}

const copy = (t: SampleTensor): SampleTensor => map(t, (v) => v);
const at = (t: SampleTensor, i: number): number => t.values[i] as number;

/** Copies in every pair: a caller that writes into one pair's arrays cannot change another pair. */
function pair(name: string, yTrue: SampleTensor, yPred: SampleTensor): SamplePair {
  return { name, yTrue: copy(yTrue), yPred: copy(yPred) };
}

/** Rows of softmax probabilities of random logits in [-scale, scale]; each row sums to 1. */
function softmaxRows(rows: number, cols: number, next: () => number, scale = 2): SampleTensor {
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const logits = Array.from({ length: cols }, () => (next() * 2 - 1) * scale);
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, c) => (values[r * cols + c] = e / sum));
  }
  return { shape: [rows, cols], values };
}

export function samplesFor(task: Task, options: { seed?: number; batch?: number } = {}): TaskSamples {
  const seed = options.seed ?? 1;
  const batch = options.batch ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`samplesFor: seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`samplesFor: batch must be a positive integer, got ${batch}`);
  const next = mulberry32(seed);
  switch (task) {
    case 'regression':
      return regression(batch, next);
    case 'binary': {
      // Both classes in every batch of two or more: alternating labels in a seeded order.
      const labels = shuffle(Array.from({ length: batch }, (_, i) => (i % 2 === 0 ? 1 : 0)), next);
      const yTrue = tensor([batch, 1], (i) => labels[i] as number);
      return probabilityTask(task, yTrue, yTrue, next);
    }
    case 'categorical':
    case 'sparse': {
      const classes = Array.from({ length: batch }, () => Math.floor(next() * CLASSES));
      const oneHot = tensor([batch, CLASSES], (i) => (classes[Math.floor(i / CLASSES)] === i % CLASSES ? 1 : 0));
      const labels = task === 'sparse' ? tensor([batch, 1], (i) => classes[i] as number) : oneHot;
      return probabilityTask(task, labels, oneHot, next);
    }
    case 'segmentation': {
      // A 6×6 square of ones at a seeded place in each 16×16 mask, zeros elsewhere.
      const yTrue = tensor([batch, SIDE, SIDE, 1], () => 0);
      for (let b = 0; b < batch; b++) {
        const top = Math.floor(next() * (SIDE - 6));
        const left = Math.floor(next() * (SIDE - 6));
        for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) yTrue.values[(b * SIDE + y) * SIDE + x] = 1;
      }
      return probabilityTask(task, yTrue, yTrue, next);
    }
  }
}

function regression(batch: number, next: () => number): TaskSamples {
  const yTrue = tensor([batch, FEATURES], () => (next() * 2 - 1) * 2);
  const noisy = map(yTrue, (v) => v + (next() * 2 - 1) * 0.8);
  return {
    task: 'regression',
    typical: pair('typical predictions', yTrue, noisy),
    perfect: pair('yPred = yTrue', yTrue, yTrue),
    alternatives: [
      pair('shifted by +0.5', yTrue, map(yTrue, (v) => v + 0.5)),
      pair('scaled by 0.5', yTrue, map(yTrue, (v) => v * 0.5)),
      pair('noisy', yTrue, noisy),
      pair('all zeros', yTrue, map(yTrue, () => 0)),
    ],
    boundaries: [
      pair('exact matches', yTrue, yTrue),
      pair('large residuals (±1000)', yTrue, map(yTrue, (v, i) => v + (i % 2 === 0 ? 1000 : -1000))),
      pair('zero targets and predictions', map(yTrue, () => 0), map(yTrue, () => 0)),
    ],
  };
}

/**
 * Binary, categorical, sparse and segmentation: `labels` as the loss receives them, `target` the
 * same labels as probabilities (the one-hot rows for sparse). One column means independent
 * probabilities (sigmoid outputs); several mean softmax rows that sum to 1.
 */
function probabilityTask(task: Task, labels: SampleTensor, target: SampleTensor, next: () => number): TaskSamples {
  const cols = target.shape[target.shape.length - 1] as number;
  const rows = target.values.length / cols;
  const random: SampleTensor = cols === 1 ? tensor(target.shape, () => LOW + (HIGH - LOW) * next()) : softmaxRows(rows, cols, next);
  // Half the labels, half random: near the labels, never equal. Softmax rows are squeezed into
  // [0.05, 0.8] by 0.05 + 0.75·q, which keeps their sum at 5·0.05 + 0.75 = 1.
  const mix = (w: number): SampleTensor =>
    map(target, (v, i) => {
      const q = w * v + (1 - w) * at(random, i);
      return cols === 1 ? Math.min(HIGH, Math.max(LOW, q)) : LOW + (1 - cols * LOW) * q;
    });
  const typical = mix(0.5);
  const uniform = map(target, () => (cols === 1 ? 0.5 : 1 / cols));
  const smoothed = map(target, (v) => 0.8 * v + 0.2 * (cols === 1 ? 0.5 : 1 / cols));
  // Exactly wrong: 1 − label for one column; each one-hot row moved by one class otherwise.
  const wrong = cols === 1 ? map(target, (v) => 1 - v) : map(target, (_, i) => at(target, Math.floor(i / cols) * cols + ((i % cols) + 1) % cols));
  return {
    task,
    typical: pair('typical predictions', labels, typical),
    perfect: pair('yPred = yTrue', labels, target),
    alternatives: [
      pair('uniform probabilities', labels, uniform),
      pair('smoothed labels (0.8·labels + 0.2·uniform)', labels, smoothed),
      pair('random probabilities', labels, random),
      pair('typical predictions', labels, typical),
    ],
    boundaries: [
      pair('exact 0 and 1 probabilities, right', labels, target),
      pair('exact 0 and 1 probabilities, wrong', labels, wrong),
      pair('all probabilities 0', labels, map(target, () => 0)),
      pair('all probabilities 1', labels, map(target, () => 1)),
    ],
  };
}

/** Fisher–Yates with the seeded stream. */
function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** A float32 tensor of the sample; the caller disposes it. */
export function toTensor(sample: SampleTensor): tf.Tensor {
  return tf.tensor(sample.values, sample.shape, 'float32');
}
