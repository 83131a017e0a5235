import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { compileName, referenceLoss, REFERENCE_NAMES } from './reference';

function values(name: Parameters<typeof referenceLoss>[0], t: number[][], p: number[][]): number[] {
  return tf.tidy(() => Array.from(referenceLoss(name)(tf.tensor2d(t), tf.tensor2d(p)).dataSync()));
}

function close(actual: number[], expected: number[], tolerance = 1e-5): void {
  assert.strictEqual(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - (expected[i] as number)) <= tolerance, `${actual} vs ${expected}`));
}

describe('reference losses', () => {
  before(() => tf.setBackend('cpu'));

  it('computes per-sample values worked out by hand', () => {
    close(values('mse', [[1, 2], [0, 0]], [[1, 4], [1, 1]]), [2, 1]);
    close(values('mae', [[1, 2], [0, 0]], [[1, 4], [1, -1]]), [1, 1]);
    // Huber, delta 1: 0.5·0.5² = 0.125 and 3 − 0.5 = 2.5, averaged per sample.
    close(values('huber', [[0, 0]], [[0.5, 3]]), [(0.125 + 2.5) / 2]);
    close(values('logcosh', [[0, 0]], [[1, -2]]), [(Math.log(Math.cosh(1)) + Math.log(Math.cosh(2))) / 2]);
    close(values('bce', [[1, 0]], [[0.8, 0.4]]), [-(Math.log(0.8) + Math.log(0.6)) / 2]);
    close(values('cce', [[0, 1, 0]], [[0.2, 0.5, 0.3]]), [-Math.log(0.5)]);
    close(values('sparse-cce', [[1]], [[0.2, 0.5, 0.3]]), [-Math.log(0.5)]);
    close(values('hinge', [[1, 0]], [[0.3, 0.5]]), [(0.7 + 1.5) / 2]);
    close(values('kld', [[0.5, 0.5]], [[0.25, 0.75]]), [0.5 * Math.log(2) + 0.5 * Math.log(0.5 / 0.75)]);
    close(values('poisson', [[1, 2]], [[1, 4]]), [(1 - 0 + 4 - 2 * Math.log(4)) / 2]);
    close(values('cosine', [[1, 0]], [[1, 1]]), [-Math.SQRT1_2]);
  });

  it('returns one value per sample for every reference', () => {
    for (const name of REFERENCE_NAMES) {
      // sparse-cce takes integer labels [batch, 1]; the others labels shaped like the predictions.
      const labels = (): tf.Tensor => (name === 'sparse-cce' ? tf.zeros([3, 1]) : tf.ones([3, 4]).mul(0.5));
      const shape = tf.tidy(() => referenceLoss(name)(labels(), tf.ones([3, 4]).mul(0.25)).shape);
      assert.deepStrictEqual(shape, [3], name);
    }
  });

  it('gives model.compile names that tfjs-layers accepts', () => {
    for (const name of REFERENCE_NAMES) {
      const loss = compileName(name);
      if (loss === undefined) continue;
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
      assert.doesNotThrow(() => model.compile({ loss, optimizer: 'sgd' }), `${name} → ${loss}`);
      model.dispose();
    }
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    assert.throws(() => model.compile({ loss: 'mse2', optimizer: 'sgd' }), /Unknown loss/);
    model.dispose();
  });
});
