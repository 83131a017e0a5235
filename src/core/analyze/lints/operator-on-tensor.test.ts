import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

describe('LL201 JavaScript operator on a tensor', () => {
  it('reports arithmetic on tensors in untyped JavaScript, following values from yTrue and yPred', () => {
    const text = `export function mse(yTrue, yPred) {
  const diff = yTrue.sub(yPred);
  const bad = yTrue - yPred;
  return diff * diff + bad * bad;
}`;
    const analysis = analyzeSource(text, { file: 'inline.js' });
    const found = allDiagnostics(analysis).filter((d) => d.code === 'LL201');
    // bad is already NaN, a number: bad * bad is not reported again.
    assert.deepStrictEqual(found.map((d) => coveredText(text, d)), ['yTrue - yPred', 'diff * diff']);
    assert.match(found[0]?.message ?? '', /tf\.sub\(yTrue, yPred\)/);
    assert.match(found[1]?.message ?? '', /tf\.mul\(diff, diff\)/);
  });

  it('reports a comparison and suggests the form with a gradient', () => {
    const text = `const tf = require('@tensorflow/tfjs');
export function huber(yTrue, yPred) {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.where(err <= 1, tf.square(err), err);
}`;
    const [d] = allDiagnostics(analyzeSource(text, { file: 'inline.js' })).filter((x) => x.code === 'LL201');
    assert.ok(d);
    assert.strictEqual(coveredText(text, d), 'err <= 1');
    assert.match(d.message, /compares the objects/);
    assert.match(d.message, /tf\.greaterEqual\(1, err\)/);
  });

  it('reports unary minus and compound assignment on tensors', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function f(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  let total = tf.sum(yPred);
  total += 1;
  return -total;
}`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL201'), ['LL201@3:2', 'LL201@4:9']);
  });

  it('accepts arithmetic on shapes, sizes and numbers, and null checks', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function meanOverFeatures(yTrue: tf.Tensor, yPred: tf.Tensor, ): tf.Tensor {
  const n = yPred.shape[yPred.shape.length - 1] ?? 1;
  const half = 0.5 * n + yTrue.rank - yPred.size / 2;
  const weights: tf.Tensor | null = null;
  if (weights !== null && weights != undefined) return weights;
  return tf.div(tf.sum(tf.square(tf.sub(yTrue, yPred)), -1), half > 0 ? n : 1);
}`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL201'), []);
  });
});
