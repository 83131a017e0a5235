import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'path';
import { checkBackends, disagreement } from './backends';
import { createContext, disposeContext, type LossFn } from './context';

async function backends(loss: LossFn, task: 'regression' | 'binary' = 'regression'): Promise<{ status: string; message: string }> {
  const ctx = createContext(loss, task, 1);
  try {
    return await checkBackends(ctx);
  } finally {
    disposeContext(ctx);
  }
}

describe('the backends check', function () {
  this.timeout(30_000);
  before(async () => {
    setWasmPaths(`${path.resolve(__dirname, '..', '..', '..', 'dist', 'wasm')}${path.sep}`);
    await tf.setBackend('wasm');
  });
  after(() => tf.setBackend('cpu'));

  it('fails where cpu gives NaN and wasm a number, naming the sample', async () => {
    const relative: LossFn = (t, p) => tf.mean(tf.clipByValue(tf.div(tf.abs(tf.sub(t, p)), tf.abs(t)), 0, 1), -1);
    const outcome = await backends(relative);
    assert.strictEqual(outcome.status, 'fail');
    assert.match(outcome.message, /at zero targets and predictions, sample 0 \(yTrue = 0 everywhere; yPred = 0 everywhere\): cpu NaN, wasm 0/);
    assert.strictEqual(tf.getBackend(), 'wasm', 'the backend is restored');
  });

  it('passes correct losses, exact matches and the largest residuals included', async () => {
    const unit = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-7)));
    const cases: Array<[LossFn, 'regression' | 'binary']> = [
      [(t, p) => tf.mean(tf.square(tf.sub(t, p)), -1), 'regression'],
      [(t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1), 'regression'],
      [(t, p) => tf.neg(tf.sum(tf.mul(unit(t), unit(p)), -1)), 'regression'],
      [(t, p) => tf.metrics.binaryCrossentropy(t, p), 'binary'],
      [(t, p) => tf.mean(tf.div(tf.abs(tf.sub(t, p)), tf.add(tf.abs(t), 1e-3)), -1), 'regression'],
    ];
    for (const [loss, task] of cases) {
      const outcome = await backends(loss, task);
      assert.strictEqual(outcome.status, 'pass', outcome.message);
    }
  });

  it('tells float32 noise from a different answer', () => {
    assert.strictEqual(disagreement(Float32Array.of(1, 2), Float32Array.of(1 + 1e-7, 2)), undefined);
    assert.strictEqual(disagreement(Float32Array.of(1, 2), Float32Array.of(1, 2.1)), 1);
    assert.strictEqual(disagreement(Float32Array.of(NaN, 2), Float32Array.of(NaN, 2)), undefined);
    assert.strictEqual(disagreement(Float32Array.of(NaN, 2), Float32Array.of(0.25, 2)), 0);
    assert.strictEqual(disagreement(Float32Array.of(0), Float32Array.of(6e-8), 0.3), undefined, 'noise next to the typical scale');
  });
});

describe('the backends check on logits', function () {
  this.timeout(30_000);
  before(async () => {
    setWasmPaths(`${path.resolve(__dirname, '..', '..', '..', 'dist', 'wasm')}${path.sep}`);
    await tf.setBackend('wasm');
  });
  after(() => tf.setBackend('cpu'));

  it('fails log(sigmoid(x)), which underflows on wasm only, and passes tf.logSigmoid', async () => {
    const ctx = (loss: LossFn) => createContext(loss, 'binary', 1);
    const unstable = ctx((t, p) => tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(tf.sigmoid(p))), tf.mul(tf.sub(1, t), tf.log(tf.sigmoid(tf.neg(p))))), -1)));
    const stable = ctx((t, p) => tf.neg(tf.mean(tf.add(tf.mul(t, tf.logSigmoid(p)), tf.mul(tf.sub(1, t), tf.logSigmoid(tf.neg(p)))), -1)));
    try {
      const a = await checkBackends(unstable);
      assert.strictEqual(a.status, 'fail');
      assert.match(a.message, /logits of ±100/);
      const b = await checkBackends(stable);
      assert.strictEqual(b.status, 'pass', b.message);
    } finally {
      disposeContext(unstable);
      disposeContext(stable);
    }
  });
});
