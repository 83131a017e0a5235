import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createContext, disposeContext, type LossFn } from './context';
import { checkGradient } from './gradient';

describe('the gradient check', () => {
  before(() => tf.setBackend('cpu'));

  it('names the kernel without a gradient, and frees what tfjs keeps when it throws', () => {
    const lessEqual: LossFn = (t, p) => tf.mean(tf.where(tf.lessEqual(tf.abs(tf.sub(t, p)), 1), tf.square(tf.sub(t, p)), tf.abs(tf.sub(t, p))), -1);
    const ctx = createContext(lessEqual, 'regression', 1);
    try {
      const first = checkGradient(ctx);
      assert.strictEqual(first.status, 'fail');
      assert.match(first.message, /LessEqual/);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) checkGradient(ctx);
      assert.strictEqual(tf.memory().numTensors, before, 'no tensor left per failed tf.grad');
    } finally {
      disposeContext(ctx);
    }
  });

  it('warns when the loss does not depend on yPred', () => {
    const ctx = createContext((t) => tf.mean(tf.square(t), -1), 'regression', 1);
    try {
      assert.strictEqual(checkGradient(ctx).status, 'warn');
    } finally {
      disposeContext(ctx);
    }
  });
});
