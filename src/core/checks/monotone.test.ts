import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../report';
import { createContext, disposeContext, type LossFn } from './context';
import { checkMonotone, firstDecrease, plateauStart } from './monotone';

const EPSILON = 1e-7;
const clip = (p: tf.Tensor): tf.Tensor => tf.clipByValue(p, EPSILON, 1 - EPSILON);
const unit = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), EPSILON)));

function monotone(loss: LossFn, task: Task = 'regression'): { status: string; message: string } {
  const ctx = createContext(loss, task, 1);
  try {
    return checkMonotone(ctx);
  } finally {
    disposeContext(ctx);
  }
}

describe('the monotone check', () => {
  before(() => tf.setBackend('cpu'));

  it('passes per-sample and batch-mean regression losses, flat regions included', () => {
    const losses: Record<string, LossFn> = {
      mse: (t, p) => tf.mean(tf.square(tf.sub(t, p)), -1),
      'mse, batch mean': (t, p) => tf.mean(tf.square(tf.sub(t, p))),
      'huber via minimum': (t, p) => {
        const e = tf.abs(tf.sub(t, p));
        const q = tf.minimum(e, 1);
        return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(e, q)), -1);
      },
      'epsilon-insensitive (flat below 0.5)': (t, p) => tf.mean(tf.relu(tf.sub(tf.abs(tf.sub(t, p)), 0.5)), -1),
      'pinball q = 0.1': (t, p) => tf.mean(tf.maximum(tf.mul(0.1, tf.sub(t, p)), tf.mul(-0.9, tf.sub(t, p))), -1),
      'log-cosh': (t, p) => {
        const x = tf.sub(p, t);
        return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
      },
      'cauchy log(1 + r²)': (t, p) => tf.sum(tf.log1p(tf.square(tf.sub(t, p))), -1),
      'cosine proximity (negative by design)': (t, p) => tf.neg(tf.sum(tf.mul(unit(t), unit(p)), -1)),
    };
    for (const [name, loss] of Object.entries(losses)) assert.strictEqual(monotone(loss).status, 'pass', `${name}: ${monotone(loss).message}`);
  });

  it('passes probability losses: cross-entropies, focal, hinge, label smoothing, dice', () => {
    const bce: LossFn = (t, p) => tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(clip(p))), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, clip(p))))), -1));
    const smoothed: LossFn = (t, p) => bce(tf.add(tf.mul(t, 0.8), 0.1), p);
    const focal: LossFn = (t, p) => {
      const pt = tf.add(tf.mul(t, clip(p)), tf.mul(tf.sub(1, t), tf.sub(1, clip(p))));
      return tf.mean(tf.neg(tf.mul(tf.pow(tf.sub(1, pt), 2), tf.log(pt))), -1);
    };
    const hinge: LossFn = (t, p) => tf.mean(tf.relu(tf.sub(1, tf.mul(tf.sub(tf.mul(2, t), 1), tf.sub(tf.mul(4, p), 2)))), -1);
    const cce: LossFn = (t, p) => tf.neg(tf.sum(tf.mul(t, tf.log(clip(p))), -1));
    const tfjsCce: LossFn = (t, p) => tf.metrics.categoricalCrossentropy(t, p);
    const dice: LossFn = (t, p) => tf.sub(1, tf.div(tf.add(tf.mul(2, tf.sum(tf.mul(t, p), [1, 2, 3])), 1), tf.add(tf.sum(tf.add(t, p), [1, 2, 3]), 1)));
    const cases: Array<[string, LossFn, Task]> = [
      ['bce', bce, 'binary'],
      ['bce with label smoothing 0.2', smoothed, 'binary'],
      ['tf.losses.sigmoidCrossEntropy on logits', (t, p) => tf.losses.sigmoidCrossEntropy(t, p), 'binary'],
      ['focal', focal, 'binary'],
      ['hinge, flat past the margin', hinge, 'binary'],
      ['cce', cce, 'categorical'],
      ['tfjs metrics.categoricalCrossentropy', tfjsCce, 'categorical'],
      ['dice', dice, 'segmentation'],
    ];
    for (const [name, loss, task] of cases) assert.strictEqual(monotone(loss, task).status, 'pass', `${name}: ${monotone(loss, task).message}`);
  });

  it('fails a sign error, a cosine without its minus and −p·log p, naming the first counterexample', () => {
    const negated = monotone((t, p) => tf.neg(tf.mean(tf.square(tf.sub(t, p)), -1)));
    assert.strictEqual(negated.status, 'fail');
    assert.match(negated.message, /\|residual\| 0 → 0\.001 lowers the loss 0 → /);
    assert.strictEqual(monotone((t, p) => tf.sum(tf.mul(unit(t), unit(p)), -1)).status, 'fail');
    const entropy = monotone((t, p) => tf.neg(tf.sum(tf.mul(t, tf.mul(clip(p), tf.log(clip(p)))), -1)), 'categorical');
    assert.strictEqual(entropy.status, 'fail');
    assert.match(entropy.message, /p\(true\) 0\.\d+ → 0\.\d+ lowers the loss/);
    const binaryEntropy = monotone((t, p) => tf.neg(tf.mean(tf.mul(t, tf.mul(clip(p), tf.log(clip(p)))), -1)), 'binary');
    assert.strictEqual(binaryEntropy.status, 'fail', binaryEntropy.message);
  });

  it('fails a loss wrong in one column or for one label only', () => {
    const oneColumn = monotone((t, p) => tf.sum(tf.mul(tf.square(tf.sub(t, p)), tf.tensor1d([1, 1, -1, 1])), -1));
    assert.strictEqual(oneColumn.status, 'fail');
    // y = 0 weighs log(p) where log(1 − p) belongs: a higher p, more wrong, lowers the loss.
    const negativesRewarded: LossFn = (t, p) => tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(clip(p))), tf.mul(tf.mul(tf.sub(1, t), 0.5), tf.log(clip(p)))), -1));
    assert.strictEqual(monotone(negativesRewarded, 'binary').status, 'fail');
  });

  it('warns about redescending losses (Welsch, Tukey) and says so, never fails them', () => {
    const welsch = monotone((t, p) => tf.mean(tf.mul(0.5, tf.sub(1, tf.exp(tf.neg(tf.square(tf.sub(t, p)))))), -1));
    assert.strictEqual(welsch.status, 'warn');
    assert.match(welsch.message, /redescending/);
    const tukey = monotone((t, p) => {
      const u = tf.minimum(tf.abs(tf.div(tf.sub(t, p), 4.685)), 1);
      return tf.mean(tf.mul(4.685 ** 2 / 6, tf.sub(1, tf.pow(tf.sub(1, tf.square(u)), 3))), -1);
    });
    assert.strictEqual(tukey.status, 'warn');
  });

  it('warns, without judging, about a loss that ignores yTrue (an embedding or regulariser term)', () => {
    const outcome = monotone((_t, p) => tf.neg(tf.mean(tf.square(p), -1)));
    assert.strictEqual(outcome.status, 'warn');
    assert.match(outcome.message, /does not depend on yTrue/);
  });

  it('tolerates float32 noise and flat stretches, not real decreases', () => {
    assert.strictEqual(firstDecrease([0, 1, 1 - 1e-6, 2], 0), undefined);
    assert.deepStrictEqual(firstDecrease([0, 1, 0.9, 2], 0), [1, 2]);
    // Lowest a little away from the target (label smoothing): the way down is allowed, the way up not.
    assert.strictEqual(firstDecrease([1, 0.5, 0.7, 2], 1), undefined);
    assert.deepStrictEqual(firstDecrease([1, 0.5, 0.7, 2], 0), [0, 1]);
    assert.strictEqual(firstDecrease([0, NaN, 1], 0), undefined, 'non-finite values are finite-at-boundaries\' matter');
    assert.strictEqual(plateauStart([0, 1, 2, 3, 3, 3, 3]), 3);
    assert.strictEqual(plateauStart([0, 1, 2, 3, 4, 5]), undefined);
    assert.strictEqual(plateauStart([1, 1, 1, 1]), undefined, 'flat everywhere is not redescending');
  });
});

describe('the monotone check on a loss that is never finite', () => {
  before(() => tf.setBackend('cpu'));
  it('skips, saying why, instead of passing or blaming yTrue', () => {
    const ctx = createContext((t, p) => tf.mul(tf.mean(tf.sub(t, p), -1), NaN), 'regression', 1);
    try {
      const outcome = checkMonotone(ctx);
      assert.strictEqual(outcome.status, 'skip');
      assert.match(outcome.message, /not finite/);
    } finally {
      disposeContext(ctx);
    }
  });
});
