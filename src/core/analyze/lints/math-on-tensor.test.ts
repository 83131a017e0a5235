import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

describe('LL202 Math.* on a tensor', () => {
  it('reports Math.max and Math.log on tensors and names the tf op, once per root cause', () => {
    const text = `const tf = require('@tensorflow/tfjs');
export function bce(yTrue, yPred) {
  const p = Math.max(yPred, 1e-7);
  const q = tf.clipByValue(yPred, 1e-7, 1);
  return tf.neg(tf.mean(tf.add(tf.mul(yTrue, Math.log(q)), p)));
}`;
    const found = allDiagnostics(analyzeSource(text, { file: 'inline.js' })).filter((d) => d.code === 'LL202');
    // p is NaN, a number: Math.log of it is not reported again.
    assert.deepStrictEqual(found.map((d) => coveredText(text, d)), ['Math.max(yPred, 1e-7)', 'Math.log(q)']);
    assert.match(found[0]?.message ?? '', /tf\.maximum\(yPred, 1e-7\)/);
    assert.match(found[1]?.message ?? '', /tf\.log\(q\)/);
  });

  it('accepts Math on numbers: factory parameters, shapes, constants', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function robust(alpha = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    const scale = Math.abs(alpha - 2) / Math.max(alpha, 1e-3);
    const n = Math.sqrt(yPred.shape[1] ?? 1);
    return tf.mul(scale / n, tf.mean(tf.square(tf.sub(yTrue, yPred))));
  };
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });
});
