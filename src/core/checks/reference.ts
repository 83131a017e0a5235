// tfjs's built-in losses as references (`--reference`, the panel's baseline): one value per
// sample, with the epsilons written out, since the backends disagree on theirs (1e-7 on cpu and
// wasm, 1e-4 on webgl; DESIGN.md).
import * as tf from '@tensorflow/tfjs';

export const REFERENCE_NAMES = ['mse', 'mae', 'huber', 'logcosh', 'bce', 'cce', 'sparse-cce', 'hinge', 'kld', 'poisson', 'cosine'] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];
export type ReferenceLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const EPSILON = 1e-7;

function clip(p: tf.Tensor, low = EPSILON, high = 1 - EPSILON): tf.Tensor {
  return tf.clipByValue(p, low, high);
}

const LOSSES: Record<ReferenceName, ReferenceLoss> = {
  mse: (t, p) => tf.mean(tf.squaredDifference(t, p), -1),
  mae: (t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1),
  // tf.losses.huberLoss with delta 1, per sample.
  huber: (t, p) => tf.mean(tf.losses.huberLoss(t, p, undefined, 1, tf.Reduction.NONE), -1),
  // log(cosh(x)) = x + softplus(-2x) - log 2, which does not overflow.
  logcosh: (t, p) => {
    const x = tf.sub(p, t);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
  },
  bce: (t, p) => {
    const q = clip(p);
    return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))), -1));
  },
  cce: (t, p) => tf.neg(tf.sum(tf.mul(t, tf.log(clip(p))), -1)),
  'sparse-cce': (t, p) => {
    const depth = p.shape[p.shape.length - 1] ?? 1;
    const labels = tf.oneHot(tf.cast(tf.reshape(t, [-1]), 'int32'), depth);
    return tf.neg(tf.sum(tf.mul(labels, tf.log(clip(tf.reshape(p, [-1, depth])))), -1));
  },
  // Labels 0/1 mapped to -1/1, as tfjs-layers' hinge does.
  hinge: (t, p) => tf.mean(tf.relu(tf.sub(1, tf.mul(tf.sub(tf.mul(2, t), 1), p))), -1),
  kld: (t, p) => {
    const tc = clip(t, EPSILON, 1);
    return tf.sum(tf.mul(tc, tf.log(tf.div(tc, clip(p, EPSILON, 1)))), -1);
  },
  poisson: (t, p) => tf.mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))), -1),
  // tfjs-layers' cosineProximity: minus the cosine of the l2-normalised vectors.
  cosine: (t, p) => {
    const unit = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), EPSILON));
    return tf.neg(tf.sum(tf.mul(unit(t), unit(p)), -1));
  },
};

/** Per-sample reference loss ([batch]). */
export function referenceLoss(name: ReferenceName): ReferenceLoss {
  return LOSSES[name];
}

const COMPILE_NAMES: Partial<Record<ReferenceName, string>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  logcosh: 'logcosh',
  bce: 'binaryCrossentropy',
  cce: 'categoricalCrossentropy',
  'sparse-cce': 'sparseCategoricalCrossentropy',
  hinge: 'hinge',
  kld: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosine: 'cosineProximity',
};

/** The name model.compile accepts (tfjs-layers' camelCase; 'mse' throws "Unknown loss"), if any. */
export function compileName(name: ReferenceName): string | undefined {
  return COMPILE_NAMES[name];
}
