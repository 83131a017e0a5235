import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings } from '../../../../test/helpers/analyze';

describe('LL203 data read inside the loss', () => {
  it('reports dataSync, arraySync, data, array and bufferSync on tensors as warnings', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function reads(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const a = yPred.dataSync();
  const b = tf.sub(yTrue, yPred).arraySync();
  void yPred.data(); void yPred.array(); void yTrue.bufferSync();
  return tf.scalar(a[0] ?? 0 + (b as number[][]).length);
}`;
    const found = allDiagnostics(analyzeSource(text)).filter((d) => d.code === 'LL203');
    assert.deepStrictEqual(found.map((d) => coveredText(text, d)), ['dataSync', 'arraySync', 'data', 'array', 'bufferSync']);
    assert.ok(found.every((d) => d.severity === 'warning'));
    assert.match(found[0]?.message ?? '', /gradients stop here/);
  });

  it('accepts methods of the same names on things that are not tensors', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
const table = { data: () => [1, 2], array: () => [3] };
export function lookup(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const w = table.data().length + table.array().length;
  return tf.mul(w, tf.mean(tf.abs(tf.sub(yTrue, yPred))));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });
});
