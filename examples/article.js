// The losses of the article "Custom loss functions in TensorFlow.js", as a reader types them in.
import * as tf from '@tensorflow/tfjs';

/** Mean squared error. */
export function meanSquaredError(yTrue, yPred) {
  return yPred.sub(yTrue).square().mean();
}

/** Mean absolute error. */
export const meanAbsoluteError = (yTrue, yPred) => tf.mean(tf.abs(tf.sub(yPred, yTrue)));

/** Huber loss: the `if` tests a tensor, which is always truthy, so this is MSE (LL200). */
export function huberLossWithThreshold(t = 1.0) {
  return (yTrue, yPred) => {
    const error = yTrue.sub(yPred);
    const withinThreshold = error.abs().lessEqual(t);
    if (withinThreshold) {
      return error.square().mul(0.5);
    }
    return error.abs().mul(t).sub(0.5 * t * t);
  };
}

/** Log loss, with the probabilities clipped away from 0 and 1. */
export function logLoss(yTrue, yPred) {
  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(yTrue.mul(p.log()).add(tf.sub(1, yTrue).mul(tf.sub(1, p).log()))));
}
