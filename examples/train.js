// A training script as most tfjs code is written: nothing exported, the losses given to compile.
// Loss Lab finds them there, checks the compile call, and runs each loss from a slice of this file
// (never the training below).
const tf = require('@tensorflow/tfjs');

/** Huber's loss with its threshold: quadratic near 0, linear beyond delta. */
function huberLoss(delta = 1.0) {
  return (yTrue, yPred) => {
    const error = tf.abs(tf.sub(yTrue, yPred));
    const quadratic = tf.minimum(error, delta);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear)), -1);
  };
}

async function train() {
  const xs = tf.randomNormal([256, 4]);
  const ys = tf.sum(xs, -1, true);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });

  // Inline: named compile@L (its line) in the report, the CodeLens and the Testing view.
  model.compile({
    optimizer: tf.train.adam(0.05),
    loss: (yTrue, yPred) => tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1),
    metrics: ['mse'],
  });
  await model.fit(xs, ys, { epochs: 5, verbose: 0 });

  // A factory called here: checked, drawn and given a slider with delta = 2.5.
  model.compile({ optimizer: tf.train.adam(0.05), loss: huberLoss(2.5) });
  await model.fit(xs, ys, { epochs: 5, verbose: 0 });

  // LL300: tfjs knows this loss only as 'meanSquaredError' (quick fix).
  model.compile({ optimizer: 'sgd', loss: 'mse' });
}

train();
