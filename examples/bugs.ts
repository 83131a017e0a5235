// Losses with the mistakes Loss Lab catches, one per function.
import * as tf from '@tensorflow/tfjs';

/** LL204: tfjs has no gradient for LessEqual, so model.fit throws. */
export function huberWithWhere(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.mean(tf.where(tf.lessEqual(err, 1), tf.mul(0.5, tf.square(err)), tf.sub(err, 0.5)));
}

/** LL205: log(0) is -Infinity where a prediction is exactly 0 or 1. */
export function unclippedLogLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const positive = tf.mul(yTrue, tf.log(yPred));
  const negative = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, yPred)));
  return tf.neg(tf.mean(tf.add(positive, negative)));
}

/** LL100: tfjs calls a loss with two arguments; delta is never set. */
export function huberWithDelta(yTrue: tf.Tensor, yPred: tf.Tensor, delta: number): tf.Tensor {
  return tf.losses.huberLoss(yTrue, yPred, undefined, delta);
}

/** LL203 and LL102: reads the data out and returns a number. */
export function readsData(yTrue: tf.Tensor, yPred: tf.Tensor): number {
  const values = tf.losses.meanSquaredError(yTrue, yPred).dataSync();
  return values[0] ?? 0;
}

/** LL103: tfjs needs the tensor at once, not a Promise. */
export async function asyncLoss(yTrue: tf.Tensor, yPred: tf.Tensor): Promise<tf.Tensor> {
  await tf.nextFrame();
  return tf.losses.absoluteDifference(yTrue, yPred);
}
