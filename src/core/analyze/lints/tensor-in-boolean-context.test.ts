import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

const header = "import * as tf from '@tensorflow/tfjs';\n";

describe('LL200 tensor in a boolean context', () => {
  it('reports the Huber of the article that tests a tensor with if', () => {
    const text = `${header}export function huberLossWithThreshold(t = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor) => {
    const error = yTrue.sub(yPred);
    const withinThreshold = error.abs().lessEqual(t);
    if (withinThreshold) return error.square().mul(0.5);
    return error.abs().mul(t).sub(0.5 * t * t);
  };
}`;
    const analysis = analyzeSource(text);
    const [d] = allDiagnostics(analysis).filter((x) => x.code === 'LL200');
    assert.ok(d, 'LL200 reported');
    assert.strictEqual(coveredText(text, d), 'withinThreshold');
    assert.strictEqual(d.severity, 'error');
    assert.match(d.message, /always truthy/);
    assert.match(d.message, /tf\.where\(withinThreshold/);
  });

  it('reports ?:, !, && and while on tensors, in untyped JavaScript too', () => {
    const text = `const tf = require('@tensorflow/tfjs');
export function a(yTrue, yPred) { const m = tf.greater(yPred, 0.5); return m ? yPred : yTrue; }
export function b(yTrue, yPred) { if (!yPred.sum()) return yTrue; return yPred; }
export function c(yTrue, yPred) { let x = yPred; while (x.mean()) { x = x.div(2); } return x; }
export function d(yTrue, yPred) { if (yTrue && yPred.min()) return yPred; return yTrue; }`;
    assert.deepStrictEqual(findings(analyzeSource(text, { file: 'inline.js' }), 'LL200'), ['LL200@1:75', 'LL200@2:39', 'LL200@3:56', 'LL200@4:38', 'LL200@4:47']);
  });

  it('accepts tests of shapes, ranks and plain numbers', () => {
    const text = `${header}export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  if (yPred.shape[0] > 1 && yTrue.rank === 2) return tf.losses.meanSquaredError(yTrue, yPred);
  const scale = yPred.size ? 1 : 0;
  return tf.mul(scale, tf.losses.meanSquaredError(yTrue, yPred));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });

  it('accepts tf.where with a tensor condition', () => {
    const text = `${header}export function clippedHuber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.mean(tf.where(tf.greaterEqual(1, err), tf.square(err), err));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });

  it('does not report && used to pick a value that is not tested', () => {
    const text = `${header}export function pick(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const weights = undefined as tf.Tensor | undefined;
  const w = weights || tf.onesLike(yTrue);
  return tf.mean(tf.mul(w, tf.square(tf.sub(yTrue, yPred))));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL200'), []);
  });
});
