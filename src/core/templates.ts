// Loss templates (the "New Loss from Template" command and the snippets). Each is written so that it
// differentiates, stays finite at the boundaries and returns one value per sample; a test runs
// every check on every template.
import type { Task } from './report';

export interface LossTemplate {
  /** Also the snippet prefix, after `loss-`. */
  id: string;
  label: string;
  task: Task;
  detail: string;
  body: string;
}

const header = "import * as tf from '@tensorflow/tfjs';\n\n";

export const TEMPLATES: readonly LossTemplate[] = [
  {
    id: 'mse',
    label: 'Mean squared error',
    task: 'regression',
    detail: 'mean((yTrue - yPred)²) over the last axis',
    body: `${header}/** Mean squared error over the last axis. */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1));
}
`,
  },
  {
    id: 'mae',
    label: 'Mean absolute error',
    task: 'regression',
    detail: 'mean(|yTrue - yPred|): robust to outliers',
    body: `${header}/** Mean absolute error over the last axis. */
export function meanAbsoluteError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1));
}
`,
  },
  {
    id: 'huber',
    label: 'Huber (factory)',
    task: 'regression',
    detail: 'quadratic below delta, linear above, in the tf.minimum form that differentiates',
    body: `${header}/**
 * Huber loss with threshold delta, written as tfjs's own huberLoss: tf.minimum instead of a
 * comparison, because Less/LessEqual/Greater have no gradient in tfjs.
 */
export function huberLoss(delta = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const error = tf.abs(tf.sub(yTrue, yPred));
      const quadratic = tf.minimum(error, delta);
      const linear = tf.sub(error, quadratic);
      return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear)), -1);
    });
}
`,
  },
  {
    id: 'logcosh',
    label: 'Log-cosh',
    task: 'regression',
    detail: 'log(cosh(x)) computed without overflow: x + softplus(-2x) - log 2',
    body: `${header}/** log(cosh(yPred - yTrue)), as x + softplus(-2x) - log(2) so that it never overflows. */
export function logCosh(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.sub(yPred, yTrue);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
  });
}
`,
  },
  {
    id: 'bce',
    label: 'Binary cross-entropy',
    task: 'binary',
    detail: 'on probabilities, clipped away from 0 and 1',
    body: `${header}const EPSILON = 1e-7;

/**
 * Binary cross-entropy on probabilities (a sigmoid output), clipped so that log never sees 0.
 * @lossTask binary
 */
export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const positive = tf.mul(yTrue, tf.log(p));
    const negative = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)));
    return tf.neg(tf.mean(tf.add(positive, negative), -1));
  });
}
`,
  },
  {
    id: 'cce',
    label: 'Categorical cross-entropy',
    task: 'categorical',
    detail: 'one-hot labels against softmax probabilities',
    body: `${header}const EPSILON = 1e-7;

/**
 * Categorical cross-entropy: one-hot labels against softmax probabilities.
 * @lossTask categorical
 */
export function categoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
  });
}
`,
  },
  {
    id: 'focal',
    label: 'Focal (factory)',
    task: 'binary',
    detail: 'cross-entropy that down-weights easy examples (Lin et al. 2017)',
    body: `${header}const EPSILON = 1e-7;

/**
 * Binary focal loss: (1 - pt)^gamma down-weights examples the model already gets right.
 * @lossTask binary
 */
export function focalLoss(gamma = 2.0, alpha = 0.25) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
      const pt = tf.add(tf.mul(yTrue, p), tf.mul(tf.sub(1, yTrue), tf.sub(1, p)));
      const alphaT = tf.add(tf.mul(yTrue, alpha), tf.mul(tf.sub(1, yTrue), 1 - alpha));
      const weight = tf.mul(alphaT, tf.pow(tf.sub(1, pt), gamma));
      return tf.mean(tf.neg(tf.mul(weight, tf.log(pt))), -1);
    });
}
`,
  },
  {
    id: 'dice',
    label: 'Dice (factory)',
    task: 'segmentation',
    detail: 'soft Dice for segmentation masks [batch, h, w, 1]',
    body: `${header}/**
 * Soft Dice loss for masks [batch, height, width, 1]; smooth keeps it defined for empty masks.
 * @lossTask segmentation
 */
export function diceLoss(smooth = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const intersection = tf.sum(tf.mul(yTrue, yPred), [1, 2, 3]);
      const total = tf.add(tf.sum(yTrue, [1, 2, 3]), tf.sum(yPred, [1, 2, 3]));
      return tf.sub(1, tf.div(tf.add(tf.mul(2, intersection), smooth), tf.add(total, smooth)));
    });
}
`,
  },
  {
    id: 'tversky',
    label: 'Tversky (factory)',
    task: 'segmentation',
    detail: 'Dice with separate weights for false positives and false negatives',
    body: `${header}/**
 * Tversky loss: alpha weighs false positives, beta false negatives (alpha = beta = 0.5 is Dice).
 * @lossTask segmentation
 */
export function tverskyLoss(alpha = 0.3, beta = 0.7, smooth = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const truePositive = tf.sum(tf.mul(yTrue, yPred), [1, 2, 3]);
      const falsePositive = tf.sum(tf.mul(tf.sub(1, yTrue), yPred), [1, 2, 3]);
      const falseNegative = tf.sum(tf.mul(yTrue, tf.sub(1, yPred)), [1, 2, 3]);
      const denominator = tf.add(tf.add(truePositive, smooth), tf.add(tf.mul(alpha, falsePositive), tf.mul(beta, falseNegative)));
      return tf.sub(1, tf.div(tf.add(truePositive, smooth), denominator));
    });
}
`,
  },
  {
    id: 'quantile',
    label: 'Quantile / pinball (factory)',
    task: 'regression',
    detail: 'predicts the q-th quantile instead of the mean',
    body: `${header}/** Pinball loss: its minimum is the quantile q of the target, not the mean. */
export function quantileLoss(q = 0.9) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const error = tf.sub(yTrue, yPred);
      return tf.mean(tf.maximum(tf.mul(q, error), tf.mul(q - 1, error)), -1);
    });
}
`,
  },
  {
    id: 'contrastive',
    label: 'Contrastive (factory)',
    task: 'binary',
    detail: 'on distances: yTrue 0 pulls a pair together, 1 pushes it past a margin (Hadsell et al. 2006)',
    body: `${header}/**
 * Contrastive loss on predicted distances, as Hadsell et al. (2006) write it: yTrue = 0 for a
 * similar pair (cost d²), 1 for a dissimilar pair (cost max(margin - d, 0)²).
 * @lossTask binary
 */
export function contrastiveLoss(margin = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const similar = tf.mul(tf.sub(1, yTrue), tf.square(yPred));
      const dissimilar = tf.mul(yTrue, tf.square(tf.relu(tf.sub(margin, yPred))));
      return tf.mean(tf.add(similar, dissimilar), -1);
    });
}
`,
  },
];

/** VS Code snippets (contributes.snippets) from the templates: the function, without the import. */
export function snippetsJson(): Record<string, { prefix: string; description: string; body: string[] }> {
  return Object.fromEntries(
    TEMPLATES.map((t) => [
      t.label,
      { prefix: `loss-${t.id}`, description: `Loss Lab: ${t.detail}`, body: t.body.replace(header, '').replace(/\$/g, '\\$').trimEnd().split('\n') },
    ]),
  );
}
