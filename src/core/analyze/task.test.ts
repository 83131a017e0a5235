import * as assert from 'assert';
import { analyzeSource } from '../../../test/helpers/analyze';

const header = "import * as tf from '@tensorflow/tfjs';\n";

function tasks(text: string, task?: 'auto' | 'regression' | 'binary') {
  return Object.fromEntries(analyzeSource(text, { task, types: 'off' }).losses.map((l) => [l.name, l.task]));
}

describe('task choice', () => {
  const text = `${header}export const mse = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)));
export const bce = (yTrue, yPred) => {
  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))))));
};
export const cce = (yTrue, yPred) => tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-7, 1))), -1));
export const sparse = (yTrue, yPred) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(tf.squeeze(yTrue), 'int32'), 5), yPred);
export const dice = (yTrue, yPred) => tf.sub(1, tf.div(tf.sum(tf.mul(yTrue, yPred), [1, 2, 3]), tf.add(tf.sum(tf.add(yTrue, yPred), [1, 2, 3]), 1)));
/** @lossTask binary */
export const tagged = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)));`;

  it('picks from what the body does, else regression', () => {
    assert.deepStrictEqual(tasks(text), { mse: 'regression', bce: 'binary', cce: 'categorical', sparse: 'sparse', dice: 'segmentation', tagged: 'binary' });
  });

  it('uses the task asked for, except where a @lossTask tag says otherwise', () => {
    const chosen = tasks(text, 'regression');
    assert.ok(Object.entries(chosen).every(([name, task]) => task === (name === 'tagged' ? 'binary' : 'regression')), JSON.stringify(chosen));
  });
});
