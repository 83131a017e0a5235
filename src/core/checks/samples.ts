// Task presets (DESIGN.md "Task presets", a contract): seeded sample tensors as plain data, so that
// they cross a worker boundary and the caller owns (and disposes) the tensors made from them.
import * as tf from '@tensorflow/tfjs';
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
  /** Typical labels, and predictions near them but not equal. */
  typical: SamplePair;
  /** yPred = yTrue, in prediction space (probabilities equal to the labels). */
  perfect: SamplePair;
  /** Other predictions for perfect's yTrue: the loss should be larger at each. */
  alternatives: SamplePair[];
  /** Exact 0 and 1 probabilities, exact matches, large residuals: for finite-at-boundaries. */
  boundaries: SamplePair[];
}

/** The batch differs from the feature sizes (4, 5): equal sizes hide [N] vs [N, 1] broadcasting bugs. */
export const DEFAULT_BATCH = 6;
const CLASSES = 5;
const FEATURES = 4;
const SIDE = 16;

/** mulberry32: a tiny, well-studied 32-bit PRNG; the same seed gives the same stream everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tensor(shape: number[], fill: (i: number) => number): SampleTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = fill(i);
  return { shape, values };
}

function map(t: SampleTensor, f: (v: number, i: number) => number): SampleTensor {
  return { shape: [...t.shape], values: Float32Array.from(t.values, f) };
}

function pair(name: string, yTrue: SampleTensor, yPred: SampleTensor): SamplePair {
  return { name, yTrue, yPred };
}

/** Rows of softmax probabilities from random logits (each row sums to 1). */
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

/** Mixes probabilities toward the labels and keeps them inside [0.05, 0.95]. */
function near(labels: SampleTensor, noise: SampleTensor, weight: number): SampleTensor {
  return map(labels, (v, i) => Math.min(0.95, Math.max(0.05, weight * v + (1 - weight) * (noise.values[i] as number))));
}

export function samplesFor(task: Task, options: { seed?: number; batch?: number } = {}): TaskSamples {
  const next = random(options.seed ?? 1);
  const batch = options.batch ?? DEFAULT_BATCH;
  switch (task) {
    case 'regression': {
      const yTrue = tensor([batch, FEATURES], () => (next() * 2 - 1) * 2);
      const yPred = map(yTrue, (v) => v + (next() * 2 - 1) * 0.8);
      return {
        task,
        typical: pair('typical predictions', yTrue, yPred),
        perfect: pair('yPred = yTrue', yTrue, yTrue),
        alternatives: [
          pair('shifted by +0.5', yTrue, map(yTrue, (v) => v + 0.5)),
          pair('scaled by 0.5', yTrue, map(yTrue, (v) => v * 0.5)),
          pair('noisy', yTrue, yPred),
          pair('all zeros', yTrue, map(yTrue, () => 0)),
        ],
        boundaries: [
          pair('exact matches', yTrue, yTrue),
          pair('large residuals (±1000)', yTrue, map(yTrue, (v, i) => v + (i % 2 === 0 ? 1000 : -1000))),
          pair('zero targets and predictions', map(yTrue, () => 0), map(yTrue, () => 0)),
        ],
      };
    }
    case 'binary': {
      const yTrue = tensor([batch, 1], (i) => (i % 2 === 0 ? 1 : 0));
      const noise = tensor([batch, 1], () => next());
      return probabilityTask(task, yTrue, near(yTrue, noise, 0.6), next);
    }
    case 'categorical':
    case 'sparse': {
      const classes = Array.from({ length: batch }, (_, i) => (i + Math.floor(next() * CLASSES)) % CLASSES);
      const oneHot = tensor([batch, CLASSES], (i) => (classes[Math.floor(i / CLASSES)] === i % CLASSES ? 1 : 0));
      const noise = softmaxRows(batch, CLASSES, next);
      // A mix of one-hot rows and softmax rows still sums to 1: probabilities near the labels.
      const typical = map(oneHot, (v, i) => 0.5 * v + 0.5 * (noise.values[i] as number));
      const labels = task === 'sparse' ? tensor([batch, 1], (i) => classes[i] as number) : oneHot;
      return probabilityTask(task, labels, typical, next, oneHot);
    }
    case 'segmentation': {
      // Masks with a square of ones at a random place in each image.
      const yTrue = tensor([batch, SIDE, SIDE, 1], () => 0);
      for (let b = 0; b < batch; b++) {
        const top = Math.floor(next() * 8);
        const left = Math.floor(next() * 8);
        for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) yTrue.values[(b * SIDE + y) * SIDE + x] = 1;
      }
      const noise = tensor(yTrue.shape, () => next());
      return probabilityTask(task, yTrue, near(yTrue, noise, 0.6), next);
    }
  }
}

/** Binary, categorical, sparse and segmentation: labels against probabilities. */
function probabilityTask(task: Task, labels: SampleTensor, typical: SampleTensor, next: () => number, labelProbabilities: SampleTensor = labels): TaskSamples {
  const shape = labelProbabilities.shape;
  const cols = shape[shape.length - 1] as number;
  const rows = labelProbabilities.values.length / cols;
  const uniform = map(labelProbabilities, () => (cols === 1 ? 0.5 : 1 / cols));
  const noisy = cols === 1 ? tensor(shape, () => 0.05 + 0.9 * next()) : softmaxRows(rows, cols, next);
  // The opposite answer, exactly: 0 where the label is 1 (one-hot rows shifted by one class).
  const wrong = cols === 1 ? map(labelProbabilities, (v) => 1 - v) : map(labelProbabilities, (_, i) => labelProbabilities.values[Math.floor(i / cols) * cols + ((i % cols) + 1) % cols] as number);
  return {
    task,
    typical: pair('typical predictions', labels, typical),
    perfect: pair('yPred = yTrue', labels, labelProbabilities),
    alternatives: [pair('uniform probabilities', labels, uniform), pair('random probabilities', labels, noisy), pair('typical predictions', labels, typical)],
    boundaries: [
      pair('exact 0 and 1 probabilities, right', labels, labelProbabilities),
      pair('exact 0 and 1 probabilities, wrong', labels, wrong),
      pair('all probabilities 0', labels, map(labelProbabilities, () => 0)),
      pair('all probabilities 1', labels, map(labelProbabilities, () => 1)),
    ],
  };
}

export function toTensor(sample: SampleTensor): tf.Tensor {
  return tf.tensor(sample.values, sample.shape, 'float32');
}
