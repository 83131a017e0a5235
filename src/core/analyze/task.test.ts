import * as assert from 'assert';
import { analyzeSource } from '../../../test/helpers/analyze';
import { parseTaskTag, taskTagBefore } from './task';

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

describe('task choice from the ops (auto)', () => {
  const cases: Record<string, [string, string]> = {
    'sigmoid on logits': ['binary', 'tf.mean(tf.losses.sigmoidCrossEntropy(yTrue, yPred))'],
    'log(1 - p)': ['binary', 'tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(yPred)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, yPred))))))'],
    'softmax of logits': ['categorical', 'tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.softmax(yPred))), -1))'],
    'logSoftmax': ['categorical', 'tf.neg(tf.sum(tf.mul(yTrue, tf.logSoftmax(yPred)), -1))'],
    'a log summed over the last axis (KLD)': ['categorical', 'tf.sum(tf.mul(yTrue, tf.log(tf.div(tf.clipByValue(yTrue, 1e-7, 1), tf.clipByValue(yPred, 1e-7, 1)))), -1)'],
    'gather by the labels': ['sparse', 'tf.neg(tf.log(tf.gather(yPred, tf.cast(yTrue, "int32"), 1, 1)))'],
    'oneHot of the labels': ['sparse', 'tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(tf.squeeze(yTrue), "int32"), 5), tf.log(yPred)), -1))'],
    'conv2d': ['segmentation', 'tf.mean(tf.square(tf.sub(tf.conv2d(yTrue, tf.ones([3, 3, 1, 1]), 1, "same"), tf.conv2d(yPred, tf.ones([3, 3, 1, 1]), 1, "same"))))'],
    'hinge margin': ['binary', 'tf.mean(tf.maximum(tf.sub(1, tf.mul(yTrue, yPred)), 0), -1)'],
    'contrastive on 0/1 labels': ['binary', 'tf.mean(tf.add(tf.mul(tf.sub(1, yTrue), tf.square(yPred)), tf.mul(yTrue, tf.square(tf.relu(tf.sub(1, yPred))))))'],
    'dice over the batch': ['binary', 'tf.sub(1, tf.div(tf.add(tf.mul(2, tf.sum(tf.mul(yTrue, yPred))), 1), tf.add(tf.add(tf.sum(yTrue), tf.sum(yPred)), 1)))'],
    'cosine similarity stays regression': ['regression', 'tf.neg(tf.div(tf.sum(tf.mul(yTrue, yPred), -1), tf.mul(tf.norm(yTrue, 2, -1), tf.norm(yPred, 2, -1))))'],
    'huber via minimum stays regression': ['regression', 'tf.mean(tf.minimum(tf.abs(tf.sub(yTrue, yPred)), 1), -1)'],
    'cauchy, log1p of a square, stays regression': ['regression', 'tf.mean(tf.log1p(tf.square(tf.sub(yTrue, yPred))), -1)'],
    'log1p(-p) is log(1 - p)': ['binary', 'tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(yPred)), tf.mul(tf.sub(1, yTrue), tf.log1p(tf.neg(yPred))))))'],
    'poisson (a log of yPred) reads probabilities': ['binary', 'tf.mean(tf.sub(yPred, tf.mul(yTrue, tf.log(tf.add(yPred, 1e-7)))), -1)'],
  };
  for (const [name, [task, body]] of Object.entries(cases)) {
    it(`${name} → ${task}`, () => {
      assert.deepStrictEqual(tasks(`${header}export const loss = (yTrue, yPred) => ${body};`), { loss: task });
    });
  }
});

describe('the @lossTask tag', () => {
  it('sets the task and the sample shape: [batch, width]', () => {
    assert.deepStrictEqual(parseTaskTag('/**\n * @lossTask categorical [8, 10]\n */'), { task: 'categorical', batch: 8, width: 10 });
    assert.deepStrictEqual(parseTaskTag('@lossTask binary'), { task: 'binary' });
    assert.deepStrictEqual(parseTaskTag('@lossTask regression [12]'), { task: 'regression', batch: 12 });
    assert.deepStrictEqual(parseTaskTag('@lossTask segmentation [4, 32, 32, 1]'), { task: 'segmentation', batch: 4 }, 'a mask shape gives only its batch');
    assert.strictEqual(parseTaskTag('no tag here'), undefined);
  });

  it('is read from the JSDoc comment right before a loss, not from one further up', () => {
    const text = `${header}/** @lossTask categorical [8, 10] */\nexport const a = (yTrue, yPred) => yPred;\nexport const b = (yTrue, yPred) => yPred;\n`;
    assert.deepStrictEqual(taskTagBefore(text, text.indexOf('export const a')), { task: 'categorical', batch: 8, width: 10 });
    assert.strictEqual(taskTagBefore(text, text.indexOf('export const b')), undefined);
    const analysed = analyzeSource(text, { types: 'off' }).losses.find((l) => l.name === 'a');
    assert.strictEqual(analysed?.task, 'categorical');
  });
});
