// reference: the loss against a tfjs built-in, point by point, along the sweeps the panel draws
// (residual −5…5 with yTrue = 0; p in (0, 1) for each label; the probability of the true class with
// the other classes sharing the rest), and on the task's typical and across-scales samples. Not the
// batch mean only: a Huber that is 0.5·r² everywhere matches Huber on residuals below 1. A point
// that differs beyond float32 noise fails (a CI gate), naming the worst one.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { callLoss, formatNumber, result, type CheckContext } from './context';
import { formatReference, referenceLoss, type ReferenceSpec } from './reference';

type Outcome = Omit<CheckResult, 'ms'>;

/** Two float32 computations of the same function differ by a few ulps per op; formulas differ more. */
const RELATIVE_TOLERANCE = 2e-4;
const ABSOLUTE_TOLERANCE = 1e-6;
const RESIDUALS = Array.from({ length: 41 }, (_, i) => -5 + i * 0.25);
const PROBABILITIES = Array.from({ length: 50 }, (_, i) => (i + 0.5) / 50);

/** A batch of points: row k is the point at `x[k]`, described for messages by `label(k)`. */
interface Points {
  yTrue: tf.Tensor;
  yPred: tf.Tensor;
  label: (k: number) => string;
}

export function checkReference(ctx: CheckContext, spec: ReferenceSpec): Outcome {
  const reference = referenceLoss(spec.name, spec.param);
  const name = formatReference(spec);
  const sets = [...sweeps(ctx), fromPair(ctx.typical.yTrue, ctx.typical.yPred, 'typical sample'), fromPair(ctx.scales.yTrue, ctx.scales.yPred, ctx.task === 'regression' ? 'across-scales sample' : 'confident sample')];
  let worst: { set: Points; label: string; ours: number; theirs: number; excess: number } | undefined;
  let points = 0;
  let mismatches = 0;
  try {
    for (const set of sets) {
      const ours = perSample(ctx, set);
      const theirs = tf.tidy(() => reference(set.yTrue, set.yPred).dataSync() as Float32Array);
      points += theirs.length;
      theirs.forEach((t, k) => {
        const o = ours[k] as number;
        if (Object.is(o, t) || (!Number.isFinite(t) && !Number.isFinite(o))) return;
        const excess = Number.isFinite(o) ? Math.abs(o - t) / (RELATIVE_TOLERANCE * Math.max(Math.abs(o), Math.abs(t)) + ABSOLUTE_TOLERANCE) : Infinity;
        if (excess <= 1) return;
        mismatches++;
        // The worst point of the first set that differs: the panel's sweeps come first, and read best.
        if (!worst || (excess > worst.excess && worst.set === set)) worst = { set, label: set.label(k), ours: o, theirs: t, excess };
      });
    }
  } finally {
    for (const set of sets) tf.dispose([set.yTrue, set.yPred]);
  }
  if (!worst) return result('reference', 'pass', `the same as ${name} within float32 tolerance at all ${points} points (the panel's sweeps and the samples)`, 0);
  return result(
    'reference',
    'fail',
    `differs from ${name} at ${mismatches} of ${points} points; worst at ${worst.label}: ${formatNumber(worst.ours)} vs ${formatNumber(worst.theirs)}`,
    worst.ours - worst.theirs,
  );
}

/** One value per point: from one call when the loss keeps the batch axis, else a call per point. */
function perSample(ctx: CheckContext, set: Points): Float32Array {
  const rows = set.yTrue.shape[0] ?? 1;
  const batched = tf.tidy(() => {
    const out = callLoss(ctx.loss, set);
    if (out.rank === 0 || out.shape[0] !== rows) return undefined;
    return (out.rank === 1 ? out : tf.mean(out, Array.from({ length: out.rank - 1 }, (_, i) => i + 1))).dataSync() as Float32Array;
  });
  if (batched) return batched;
  return Float32Array.from({ length: rows }, (_, k) =>
    tf.tidy(() => tf.mean(callLoss(ctx.loss, { yTrue: tf.slice(set.yTrue, k, 1), yPred: tf.slice(set.yPred, k, 1) })).dataSync()[0] as number),
  );
}

function fromPair(yTrue: tf.Tensor, yPred: tf.Tensor, what: string): Points {
  return { yTrue: tf.clone(yTrue), yPred: tf.clone(yPred), label: (k) => `${what} ${k}` };
}

/** The panel's sweeps, in the task's shapes: every element of a row takes the point's value. */
function sweeps(ctx: CheckContext): Points[] {
  const trueShape = ctx.typical.yTrue.shape.slice(1);
  const predShape = ctx.typical.yPred.shape.slice(1);
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const batch = (xs: number[], truth: (x: number) => number[], prediction: (x: number) => number[], label: (x: number) => string): Points => ({
    yTrue: tf.tensor(xs.flatMap(truth), [xs.length, ...trueShape]),
    yPred: tf.tensor(xs.flatMap(prediction), [xs.length, ...predShape]),
    label: (k) => label(xs[k] as number),
  });
  const fill = (shape: number[], v: number): number[] => new Array<number>(size(shape)).fill(v);
  switch (ctx.task) {
    case 'regression':
      return [batch(RESIDUALS, () => fill(trueShape, 0), (r) => fill(predShape, r), (r) => `residual ${Number.isInteger(r) ? r.toFixed(1) : r}`)];
    case 'binary':
    case 'segmentation':
      return [0, 1].map((y) => batch(PROBABILITIES, () => fill(trueShape, y), (p) => fill(predShape, p), (p) => `y = ${y}, p = ${p}`));
    case 'categorical':
    case 'sparse': {
      const classes = predShape[predShape.length - 1] ?? 1;
      const row = (p: number): number[] => Array.from({ length: classes }, (_, c) => (c === 0 ? p : (1 - p) / Math.max(1, classes - 1)));
      const truth = (): number[] => (ctx.task === 'sparse' ? fill(trueShape, 0) : Array.from({ length: classes }, (_, c) => (c === 0 ? 1 : 0)));
      return [batch(PROBABILITIES, truth, row, (p) => `p(true class) = ${p}`)];
    }
  }
}
