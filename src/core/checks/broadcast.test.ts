import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { batchMeetsBatch, checkBroadcast } from './broadcast';
import { createContext, disposeContext, type LossFn } from './context';

function broadcast(loss: LossFn): { status: string; message: string } {
  const ctx = createContext(loss, 'regression', 1);
  try {
    return checkBroadcast(ctx);
  } finally {
    disposeContext(ctx);
  }
}

describe('the broadcast check', () => {
  before(() => tf.setBackend('cpu'));

  it('fails [N] against [N, 1] hidden by tf.mean, naming the kernel and the shapes', () => {
    const sub = broadcast((t, p) => tf.mean(tf.square(tf.sub(tf.mean(t, -1), tf.mean(p, -1, true)))));
    assert.strictEqual(sub.status, 'fail');
    assert.match(sub.message, /^Sub broadcasts \[6\] and \[6, 1\] to \[6, 6\]: every prediction meets every label/);
  });

  it('fails per-sample weights [N] times per-sample losses [N, 1] (Multiply), and tf.maximum of the two', () => {
    const mul = broadcast((t, p) => tf.mean(tf.mul(tf.add(tf.mean(tf.abs(t), -1), 1), tf.mean(tf.square(tf.sub(t, p)), -1, true))));
    assert.match(mul.message, /^Multiply broadcasts \[6\] and \[6, 1\] to \[6, 6\]/);
    const max = broadcast((t, p) => tf.mean(tf.maximum(tf.mean(tf.square(tf.sub(t, p)), -1, true), tf.mean(t, -1))));
    assert.match(max.message, /^Maximum broadcasts \[6, 1\] and \[6\] to \[6, 6\]/);
  });

  it('fails tf.where of [N], [N] and [N, 1]', () => {
    const where = broadcast((t, p) => {
      const e = tf.sum(tf.abs(tf.sub(t, p)), -1);
      return tf.mean(tf.where(tf.greaterEqual(e, 1), e, tf.mean(p, -1, true)));
    });
    assert.strictEqual(where.status, 'fail');
    assert.match(where.message, /^Select \(tf\.where\) broadcasts \[6\], \[6\], \[6, 1\] to \[6, 6\]/);
  });

  it('passes same-rank broadcasts: per-feature weights, pairwise [N, 1, D] against [1, N, D], a where of one rank', () => {
    const losses: LossFn[] = [
      (t, p) => tf.mean(tf.mul(tf.square(tf.sub(t, p)), tf.tensor1d([1, 2, 3, 4])), -1),
      (t, p) => tf.add(tf.mean(tf.square(tf.sub(t, p)), -1), tf.mean(tf.square(tf.sub(tf.expandDims(p, 1), tf.expandDims(p, 0))))),
      (t, p) => {
        const e = tf.sum(tf.abs(tf.sub(t, p)), -1);
        return tf.where(tf.greaterEqual(e, 1), e, tf.square(e));
      },
      (t, p) => tf.mul(tf.mean(tf.square(tf.sub(t, p)), -1, true), tf.scalar(2)),
    ];
    for (const loss of losses) assert.strictEqual(broadcast(loss).status, 'pass', broadcast(loss).message);
  });

  it('leaves tfjs\'s engine as it was, also when the loss throws', () => {
    const engine = tf.engine() as unknown as { runKernel: unknown };
    const before = engine.runKernel;
    assert.throws(() => broadcast(() => {
      throw new Error('boom');
    }));
    assert.strictEqual(engine.runKernel, before);
  });

  it('judges shapes: only a lower rank whose batch axis meets an axis of size 1', () => {
    assert.ok(batchMeetsBatch([[6], [6, 1]], [6, 6], 6));
    assert.ok(!batchMeetsBatch([[6], [6, 6]], [6, 6], 6));
    assert.ok(!batchMeetsBatch([[4], [6, 4]], [6, 4], 6));
    assert.ok(!batchMeetsBatch([[6, 1, 3], [1, 6, 3]], [6, 6, 3], 6));
  });
});
