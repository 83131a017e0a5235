import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

const header = "import * as tf from '@tensorflow/tfjs';\n";

describe('LL205 log, division or sqrt of yPred with no clip or epsilon', () => {
  it('reports the unclipped log loss, both terms', () => {
    const text = `${header}export function logLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const pos = tf.mul(yTrue, tf.log(yPred));
  const neg = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, yPred)));
  return tf.neg(tf.mean(tf.add(pos, neg)));
}`;
    const found = allDiagnostics(analyzeSource(text)).filter((d) => d.code === 'LL205');
    assert.deepStrictEqual(found.map((d) => coveredText(text, d)), ['tf.log(yPred)', 'tf.log(tf.sub(1, yPred))']);
    assert.ok(found.every((d) => d.severity === 'warning'));
    assert.match(found[0]?.message ?? '', /clipByValue/);
  });

  it('reports sqrt of a distance, division by a prediction sum, and log(sigmoid)', () => {
    const text = `${header}export function risky(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const dist = tf.sqrt(tf.sum(tf.square(tf.sub(yTrue, logits)), -1));
  const share = tf.div(yTrue, tf.sum(logits, -1, true));
  const logP = tf.log(tf.sigmoid(logits));
  return tf.mean(tf.add(tf.add(dist, tf.mean(share, -1)), tf.mean(logP, -1)));
}`;
    const analysis = analyzeSource(text);
    assert.deepStrictEqual(findings(analysis, 'LL205'), ['LL205@2:15', 'LL205@3:16', 'LL205@4:15']);
    const messages = allDiagnostics(analysis).filter((d) => d.code === 'LL205').map((d) => d.message);
    assert.match(messages[0] ?? '', /sqrt/);
    assert.match(messages[1] ?? '', /epsilon to the divisor/);
    assert.match(messages[2] ?? '', /logSigmoid/);
  });

  it('accepts clipped, floored and epsilon-shifted values, and divisions by yTrue-only values', () => {
    const text = `${header}const EPS = 1e-7;
export function safe(smooth = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    const p = tf.clipByValue(yPred, EPS, 1 - EPS);
    const bce = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))));
    const inter = tf.sum(tf.mul(yTrue, yPred), -1);
    const dice = tf.div(tf.add(inter, smooth), tf.add(tf.sum(yPred, -1), smooth));
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(yPred), -1), 1e-12));
    const floor = tf.log(tf.maximum(yPred, EPS));
    const perTrue = tf.div(yPred, tf.add(tf.sum(yTrue), 1));
    return tf.sub(tf.add(tf.mean(bce, -1), tf.mean(floor, -1)), tf.add(tf.add(dice, norm), tf.mean(perTrue, -1)));
  };
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });

  it('follows statement order: the last value assigned before the log is what counts', () => {
    const text = `${header}export function undone(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  let p = tf.clipByValue(logits, 1e-7, 1 - 1e-7);
  p = tf.softmax(p);
  return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
}
export function maybe(yTrue: tf.Tensor, yPred: tf.Tensor, clip = true): tf.Tensor {
  let p = yPred;
  if (clip) {
    p = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  }
  return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
}
export function tooLate(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  let p = yPred;
  const logP = tf.log(p);
  p = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  return tf.neg(tf.sum(tf.mul(yTrue, logP), -1));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL205'), ['LL205@4:37', 'LL205@11:37', 'LL205@15:15']);
  });

  it('near miss: a clip assigned the line before the log, on every path, as tfjs-layers and focal losses write it', () => {
    const text = `${header}export function bce(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let y: tf.Tensor;
    y = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
    y = tf.log(tf.div(y, tf.sub(1, y)));
    return tf.mean(tf.add(tf.sub(tf.relu(y), tf.mul(y, yTrue)), tf.log1p(tf.exp(tf.neg(tf.abs(y))))), -1);
  });
}
export function cce(target: tf.Tensor, output: tf.Tensor, fromLogits = false): tf.Tensor {
  if (fromLogits) {
    output = tf.softmax(output);
  } else {
    output = tf.div(output, tf.sum(output, -1, true));
  }
  output = tf.clipByValue(output, 1e-7, 1 - 1e-7);
  return tf.neg(tf.sum(tf.mul(target, tf.log(output)), -1));
}
export function focal(yTrue: tf.Tensor, logits: tf.Tensor, gamma = 2): tf.Tensor {
  let p = tf.sigmoid(logits);
  p = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.mul(tf.pow(tf.sub(1, p), gamma), tf.mul(yTrue, tf.log(p))), -1));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });
});
