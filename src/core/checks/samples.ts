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
  /**
   * Predictions across scales: residuals log-spaced from 1e-3 to 1e3 of both signs (regression), or
   * the probability of the true class from confidently wrong (1e-4) to confidently right (1 − 1e-4).
   * A threshold at any scale is crossed somewhere in it. Also among the alternatives.
   */
  scales: SamplePair;
}

export interface SampleOptions {
  seed?: number;
  batch?: number;
  /** The width of the last axis: features (regression), classes (categorical, sparse), outputs (binary). */
  width?: number;
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

/** The width of the last axis a task's predictions have by default. */
export function defaultWidth(task: Task): number {
  return task === 'regression' ? FEATURES : task === 'categorical' || task === 'sparse' ? CLASSES : 1;
}

export function samplesFor(task: Task, options: SampleOptions = {}): TaskSamples {
  const seed = options.seed ?? 1;
  const batch = options.batch ?? DEFAULT_BATCH;
  const width = options.width ?? defaultWidth(task);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`samplesFor: seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`samplesFor: batch must be a positive integer, got ${batch}`);
  if (!Number.isSafeInteger(width) || width < 1 || width > 4096) throw new RangeError(`samplesFor: width must be an integer from 1 to 4096, got ${width}`);
  const next = mulberry32(seed);
  switch (task) {
    case 'regression':
      return regression(batch, width, next);
    case 'binary': {
      // Both classes in every batch of two or more: alternating labels in a seeded order.
      const labels = shuffle(Array.from({ length: batch * width }, (_, i) => (i % 2 === 0 ? 1 : 0)), next);
      const yTrue = tensor([batch, width], (i) => labels[i] as number);
      return probabilityTask(task, yTrue, yTrue, next, true);
    }
    case 'categorical':
    case 'sparse': {
      const classes = Array.from({ length: batch }, () => Math.floor(next() * width));
      const oneHot = tensor([batch, width], (i) => (classes[Math.floor(i / width)] === i % width ? 1 : 0));
      const labels = task === 'sparse' ? tensor([batch, 1], (i) => classes[i] as number) : oneHot;
      return probabilityTask(task, labels, oneHot, next, false);
    }
    case 'segmentation': {
      // A 6×6 square of ones at a seeded place in each 16×16 mask, zeros elsewhere.
      const yTrue = tensor([batch, SIDE, SIDE, 1], () => 0);
      for (let b = 0; b < batch; b++) {
        const top = Math.floor(next() * (SIDE - 6));
        const left = Math.floor(next() * (SIDE - 6));
        for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) yTrue.values[(b * SIDE + y) * SIDE + x] = 1;
      }
      return probabilityTask(task, yTrue, yTrue, next, true);
    }
  }
}

/** n values log-spaced from `low` to `high`, in a seeded order. */
function logSpaced(n: number, low: number, high: number, next: () => number): number[] {
  const step = n > 1 ? Math.log(high / low) / (n - 1) : 0;
  return shuffle(Array.from({ length: n }, (_, i) => low * Math.exp(step * i)), next);
}

function regression(batch: number, width: number, next: () => number): TaskSamples {
  const yTrue = tensor([batch, width], () => (next() * 2 - 1) * 2);
  const noisy = map(yTrue, (v) => v + (next() * 2 - 1) * 0.8);
  // Residuals from 1e-3 to 1e3, alternating signs: every scale a threshold may sit at is crossed.
  const residuals = logSpaced(yTrue.values.length, 1e-3, 1e3, next);
  const scales = pair('residuals from 1e-3 to 1e3 of both signs', yTrue, map(yTrue, (v, i) => v + (i % 2 === 0 ? 1 : -1) * (residuals[i] as number)));
  return {
    task: 'regression',
    typical: pair('typical predictions', yTrue, noisy),
    perfect: pair('yPred = yTrue', yTrue, yTrue),
    alternatives: [
      pair('shifted by +0.5', yTrue, map(yTrue, (v) => v + 0.5)),
      pair('scaled by 0.5', yTrue, map(yTrue, (v) => v * 0.5)),
      pair('noisy', yTrue, noisy),
      pair('all zeros', yTrue, map(yTrue, () => 0)),
      scales,
    ],
    boundaries: [
      pair('exact matches', yTrue, yTrue),
      pair('large residuals (±1000)', yTrue, map(yTrue, (v, i) => v + (i % 2 === 0 ? 1000 : -1000))),
      pair('zero targets and predictions', map(yTrue, () => 0), map(yTrue, () => 0)),
    ],
    scales,
  };
}

/**
 * Binary, categorical, sparse and segmentation: `labels` as the loss receives them, `target` the
 * same labels as probabilities (the one-hot rows for sparse). One column means independent
 * probabilities (sigmoid outputs); several mean softmax rows that sum to 1.
 */
function probabilityTask(task: Task, labels: SampleTensor, target: SampleTensor, next: () => number, independent: boolean): TaskSamples {
  const width = target.shape[target.shape.length - 1] as number;
  // Independent probabilities (sigmoid outputs) are handled one element at a time, as one column.
  const cols = independent ? 1 : width;
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
  // p(true class) from 1e-4 (confidently wrong) to 1 − 1e-4 (confidently right), log-spaced on both
  // sides of 0.5; the other classes share the rest in the proportions of the random rows.
  const half = Math.ceil(rows / 2);
  const wrongSide = logSpaced(half, 1e-4, 0.5, next);
  const rightSide = logSpaced(rows - half, 1e-4, 0.5, next).map((q) => 1 - q);
  const trueProbability = shuffle([...wrongSide, ...rightSide], next);
  const scales = pair('p(true class) from 1e-4 to 1 − 1e-4', labels, spreadTrueProbability(target, random, cols, trueProbability));
  return {
    task,
    typical: pair('typical predictions', labels, typical),
    perfect: pair('yPred = yTrue', labels, target),
    alternatives: [
      pair('uniform probabilities', labels, uniform),
      pair('smoothed labels (0.8·labels + 0.2·uniform)', labels, smoothed),
      pair('random probabilities', labels, random),
      pair('typical predictions', labels, typical),
      scales,
    ],
    boundaries: [
      pair('exact 0 and 1 probabilities, right', labels, target),
      pair('exact 0 and 1 probabilities, wrong', labels, wrong),
      // Softmax rows sum to 1: a row of all 0 or all 1 is no prediction a model makes (0/0 in a
      // rescaling such as tfjs-layers' categoricalCrossentropy), so only independent ones get them.
      ...(cols === 1 ? [pair('all probabilities 0', labels, map(target, () => 0)), pair('all probabilities 1', labels, map(target, () => 1))] : []),
    ],
    scales,
  };
}

/**
 * Predictions whose true class has probability `q[row]`: for one column, q where the label is 1 and
 * 1 − q where it is 0; for softmax rows, q on the labelled class and 1 − q shared by the others in
 * the proportions of `shares`' row.
 */
export function spreadTrueProbability(target: SampleTensor, shares: SampleTensor, cols: number, q: readonly number[]): SampleTensor {
  if (cols === 1) return map(target, (v, i) => (v >= 0.5 ? (q[i] as number) : 1 - (q[i] as number)));
  const out = map(target, () => 0);
  for (let r = 0; r < target.values.length / cols; r++) {
    const base = r * cols;
    let others = 0;
    for (let c = 0; c < cols; c++) if (at(target, base + c) < 0.5) others += at(shares, base + c);
    const p = q[r] as number;
    for (let c = 0; c < cols; c++) {
      out.values[base + c] = at(target, base + c) >= 0.5 ? p : others > 0 ? ((1 - p) * at(shares, base + c)) / others : (1 - p) / (cols - 1);
    }
  }
  return out;
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
