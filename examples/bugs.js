// JavaScript mistakes that untyped code lets through: Loss Lab follows the values from yTrue and yPred.
const tf = require('@tensorflow/tfjs');

/** LL201: JavaScript's `-` and `*` on tensors give NaN, not tensors. */
function jsArithmetic(yTrue, yPred) {
  const diff = yTrue - yPred;
  return tf.scalar(diff * diff);
}

/** LL202: Math.log works on numbers, not tensors. */
function mathOnTensor(yTrue, yPred) {
  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.mul(yTrue, Math.log(p))));
}

module.exports = { jsArithmetic, mathOnTensor };
