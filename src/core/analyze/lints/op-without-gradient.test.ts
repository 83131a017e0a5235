import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

const header = "import * as tf from '@tensorflow/tfjs';\n";

describe('LL204 op without a registered gradient on the path from yPred', () => {
  it('reports lessEqual inside a where condition, names the kernel and the fix', () => {
    const text = `${header}export function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.mean(tf.where(tf.lessEqual(err, 1), tf.mul(0.5, tf.square(err)), tf.sub(err, 0.5)));
}`;
    const [d] = allDiagnostics(analyzeSource(text)).filter((x) => x.code === 'LL204');
    assert.ok(d);
    assert.strictEqual(coveredText(text, d), 'tf.lessEqual(err, 1)');
    assert.match(d.message, /LessEqual/);
    assert.match(d.message, /tf\.greaterEqual\(1, err\)/);
    assert.match(d.message, /tf\.minimum\(err, delta\)/);
  });

  it('follows values through locals, method chains and tf.tidy callbacks', () => {
    const text = `const tf = require('@tensorflow/tfjs');
export function chained(yTrue, yPred) {
  return tf.tidy(() => {
    const err = yTrue.sub(yPred).abs();
    const small = err.less(0.5);
    const mask = tf.cast(small, 'float32');
    return mask.mul(err).mean();
  });
}
export function notEqualMask(yTrue, yPred) {
  const keep = tf.notEqual(tf.round(yPred), 0);
  return tf.mean(tf.mul(tf.cast(keep, 'float32'), yPred));
}`;
    const analysis = analyzeSource(text, { file: 'inline.js' });
    assert.deepStrictEqual(findings(analysis, 'LL204'), ['LL204@4:18', 'LL204@10:15']);
    const messages = allDiagnostics(analysis).filter((d) => d.code === 'LL204').map((d) => d.message);
    assert.match(messages[0] ?? '', /kernel Less\b/);
    assert.match(messages[1] ?? '', /kernel NotEqual/);
  });

  it('accepts greaterEqual, comparisons on yTrue only, and comparisons that do not reach the result', () => {
    const text = `${header}export function fine(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  const positives = tf.cast(tf.greater(yTrue, 0.5), 'float32');
  const debug = tf.lessEqual(err, 1);
  debug.dispose();
  return tf.mean(tf.mul(positives, tf.where(tf.greaterEqual(1, err), tf.square(err), err)));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });

  it('reads which kernels lack a gradient from the registry: argMax has one (zero), topk has none', () => {
    const text = `${header}export function ranks(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const best = tf.oneHot(tf.argMax(yPred, -1), 5);
  const { values } = tf.topk(yPred, 2);
  return tf.add(tf.mean(tf.mul(best, yTrue)), tf.mean(values));
}`;
    const found = allDiagnostics(analyzeSource(text)).filter((d) => d.code === 'LL204');
    assert.deepStrictEqual(found.map((d) => coveredText(text, d)), ['tf.topk(yPred, 2)']);
    assert.match(found[0]?.message ?? '', /TopK/);
  });
});
