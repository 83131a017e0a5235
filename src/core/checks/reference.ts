// tfjs's built-in losses as references (`--reference`, the panel's baseline), one value per sample.
// Where tfjs's own function is free of epsilons it is called as is; where it reads the backend's
// epsilon (1e-7 on cpu and wasm, 1e-4 on webgl, and tfjs-layers keeps the first one it saw;
// DESIGN.md) the same formula is written here with 1e-7, so every backend draws the same baseline.
import * as tf from '@tensorflow/tfjs';
import type { LossFn } from './gradcheck';

export { formatReference, parseReference, REFERENCE_NAMES, REFERENCE_PARAMETERS, type ReferenceName, type ReferenceSpec } from './reference-spec';
import { REFERENCE_NAMES, type ReferenceName } from './reference-spec';

/** tfjs's epsilon on cpu and wasm. */
const EPSILON = 1e-7;

const clip = (x: tf.Tensor, low: number, high: number): tf.Tensor => tf.clipByValue(x, low, high);
const lastAxis = (x: tf.Tensor): number => x.shape[x.shape.length - 1] ?? 1;

/** Keras' per-sample form: each loss reduces the last axis, as tfjs-layers' losses do. */
const LAST_AXIS_LOSSES: Record<ReferenceName, (yTrue: tf.Tensor, yPred: tf.Tensor, param?: number) => tf.Tensor> = {
  mse: (t, p) => tf.metrics.meanSquaredError(t, p),
  mae: (t, p) => tf.metrics.meanAbsoluteError(t, p),
  // tf.losses.huberLoss, delta 1 unless given, element by element; tfjs-layers has no Huber.
  huber: (t, p, delta = 1) => tf.mean(tf.losses.huberLoss(t, p, undefined, delta, tf.Reduction.NONE), -1),
  // tf.losses.hingeLoss maps labels 0/1 to -1/1 (tfjs-layers' 'hinge' does not: see compileName).
  hinge: (t, p) => tf.mean(tf.losses.hingeLoss(t, p, undefined, tf.Reduction.NONE), -1),
  // tfjs-layers' logcosh: log(cosh(x)) = x + softplus(-2x) - log 2, which does not overflow.
  logcosh: (t, p) => {
    const x = tf.sub(p, t);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
  },
  // tfjs-layers' binaryCrossentropy: clip, back to logits, sigmoid cross-entropy with logits.
  bce: (t, p) => {
    const q = clip(p, EPSILON, 1 - EPSILON);
    const logits = tf.log(tf.div(q, tf.sub(1, q)));
    const ce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, t)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(ce, -1);
  },
  cce: (t, p) => categoricalCrossentropy(t, p),
  // tfjs-layers' sparseCategoricalCrossentropy: floor the labels, one-hot, clip, then as cce.
  'sparse-cce': (t, p) => {
    const classes = tf.cast(tf.floor(tf.reshape(t, [-1])), 'int32');
    const labels = tf.reshape(tf.oneHot(classes, lastAxis(p)), p.shape);
    return categoricalCrossentropy(labels, clip(p, EPSILON, 1 - EPSILON));
  },
  // tfjs-layers' kullbackLeiblerDivergence: the unclipped yTrue weighs the log, so 0 labels add 0.
  kld: (t, p) => tf.sum(tf.mul(t, tf.log(tf.div(clip(t, EPSILON, 1), clip(p, EPSILON, 1)))), -1),
  poisson: (t, p) => tf.mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))), -1),
  // tfjs-layers' cosineProximity: minus the cosine, each vector divided by sqrt(max(|x|², eps)).
  cosine: (t, p) => {
    const unit = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), EPSILON)));
    return tf.neg(tf.sum(tf.mul(unit(t), unit(p)), -1));
  },
};

/** tfjs-layers' categoricalCrossentropy: rows rescaled to sum 1, clipped, -Σ t·log p. */
function categoricalCrossentropy(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const q = clip(tf.div(p, tf.sum(p, -1, true)), EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(t, tf.log(q)), -1));
}

/**
 * Per-sample reference loss ([batch]), with explicit epsilons (DESIGN.md: backends' epsilon
 * differs, 1e-7 vs 1e-4). Inputs of rank 3 and more (segmentation masks) are reduced over the last
 * axis as Keras does, then averaged over the remaining axes: the batch mean is the one model.fit sees.
 */
export function referenceLoss(name: ReferenceName, param?: number): LossFn {
  const loss = LAST_AXIS_LOSSES[name];
  if (!loss) throw new RangeError(`referenceLoss: unknown reference '${String(name)}'; one of ${REFERENCE_NAMES.join(', ')}`);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const perSample = loss(yTrue, yPred, param);
      const rest = Array.from({ length: perSample.rank - 1 }, (_, i) => i + 1);
      return rest.length === 0 ? perSample : tf.mean(perSample, rest);
    });
}

/**
 * model.compile names (tfjs-layers' camelCase; 'mse' or 'huberLoss' throw "Unknown loss"), given
 * only where compiling with the name trains on the same values as referenceLoss on this machine's
 * cpu/wasm epsilon. None for huber (tfjs-layers has none) and hinge (tfjs-layers' hinge expects
 * labels -1/1 and would train on a different loss for 0/1 labels).
 */
const COMPILE_NAMES: Partial<Record<ReferenceName, string>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  logcosh: 'logcosh',
  bce: 'binaryCrossentropy',
  cce: 'categoricalCrossentropy',
  'sparse-cce': 'sparseCategoricalCrossentropy',
  kld: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosine: 'cosineProximity',
};

/** The loss name tfjs-layers' model.compile accepts, where there is one, for the built-in baseline in training. */
export function compileName(name: ReferenceName): string | undefined {
  return COMPILE_NAMES[name];
}
