import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { referenceFor } from '../run/check-file';
import { compileName, formatReference, parseReference, referenceLoss, REFERENCE_NAMES, type ReferenceName } from './reference';

function values(name: ReferenceName, t: number[][], p: number[][]): number[] {
  return tf.tidy(() => Array.from(referenceLoss(name)(tf.tensor2d(t), tf.tensor2d(p)).dataSync()));
}

function close(actual: number[], expected: number[], tolerance = 1e-5): void {
  assert.strictEqual(actual.length, expected.length, `${actual} vs ${expected}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - (expected[i] as number)) <= tolerance * Math.max(1, Math.abs(expected[i] as number)), `${actual} vs ${expected}`));
}

/** Labels and predictions a reference is meant for, [3, 4] (sparse: [3, 1] classes and [3, 4] probabilities). */
function inputsFor(name: ReferenceName): { yTrue: number[][]; yPred: number[][] } {
  const probabilities = [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.4, 0.1]];
  switch (name) {
    case 'sparse-cce':
      return { yTrue: [[3], [0], [1]], yPred: probabilities };
    case 'cce':
    case 'kld':
      return { yTrue: [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]], yPred: probabilities };
    case 'bce':
    case 'hinge':
      return { yTrue: [[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 0, 0]], yPred: probabilities };
    case 'poisson':
      return { yTrue: [[1, 0, 2, 3], [0, 1, 1, 0], [4, 2, 0, 1]], yPred: [[1.5, 0.2, 2, 2.5], [0.1, 1, 0.5, 0.3], [3, 2.2, 0.4, 1]] };
    default:
      return { yTrue: [[0.5, -1, 2, 0], [1, 1, -2, 0.3], [0, 0.1, 0.2, -0.3]], yPred: [[0.4, -2.5, 2, 1], [1.3, 0, 1, 0.3], [-0.6, 0.5, 0.2, 3]] };
  }
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
    // Rows that do not sum to 1 are rescaled first, as tfjs-layers does: 0.5 / (0.4 + 0.5 + 0.1 + 1).
    close(values('cce', [[0, 1, 0, 0]], [[0.4, 0.5, 0.1, 1]]), [-Math.log(0.5 / 2)]);
    close(values('sparse-cce', [[1], [2]], [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]), [-Math.log(0.5), -Math.log(0.1)]);
    // Labels 0/1 become -1/1: max(0, 1 − 0.3) and max(0, 1 + 0.5).
    close(values('hinge', [[1, 0]], [[0.3, 0.5]]), [(0.7 + 1.5) / 2]);
    close(values('kld', [[0.5, 0.5]], [[0.25, 0.75]]), [0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75)]);
    // A 0 label adds 0·log(…) = 0, not ε·log(ε/p).
    close(values('kld', [[0, 1]], [[0.3, 0.7]]), [-Math.log(0.7)]);
    close(values('poisson', [[1, 2]], [[1, 4]]), [(1 - 0 + 4 - 2 * Math.log(4)) / 2]);
    close(values('cosine', [[1, 0]], [[1, 1]]), [-Math.SQRT1_2]);
    close(values('cosine', [[3, 4]], [[-6, -8]]), [1]);
  });

  it('uses epsilon 1e-7 whatever the backend says: at exact 0 and 1, -log of the float32 clip values', () => {
    // float32 keeps 1e-7 as 1.0000000117e-7 (-log: 16.118) and 1 − 1e-7 as 1 − 2^-23 (-log(2^-23): 15.942);
    // webgl's 1e-4 would give 9.21.
    close(values('bce', [[1], [0]], [[0], [1]]), [-Math.log(Math.fround(1e-7)), -Math.log(1 - Math.fround(1 - 1e-7))], 1e-6);
    close(values('cce', [[0, 1]], [[1, 0]]), [-Math.log(1e-7)], 1e-4);
    close(values('sparse-cce', [[1]], [[1, 0]]), [-Math.log(1e-7)], 1e-4);
    assert.ok(values('poisson', [[1]], [[0]]).every(Number.isFinite));
    close(values('cosine', [[0, 0]], [[1, 1]]), [0]);
  });

  it('agrees with tfjs-layers\' own losses (tf.metrics) on the cpu backend, whose epsilon is 1e-7', () => {
    assert.strictEqual(tf.backend().epsilon(), 1e-7);
    const theirs: Partial<Record<ReferenceName, (t: tf.Tensor, p: tf.Tensor) => tf.Tensor>> = {
      mse: tf.metrics.meanSquaredError,
      mae: tf.metrics.meanAbsoluteError,
      bce: tf.metrics.binaryCrossentropy,
      cce: tf.metrics.categoricalCrossentropy,
      cosine: tf.metrics.cosineProximity,
    };
    for (const [name, fn] of Object.entries(theirs) as Array<[ReferenceName, (t: tf.Tensor, p: tf.Tensor) => tf.Tensor]>) {
      const { yTrue, yPred } = inputsFor(name);
      const expected = tf.tidy(() => Array.from(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()));
      close(values(name, yTrue, yPred), expected, 1e-6);
    }
  });

  it('returns one value per sample, also for masks [batch, 16, 16, 1], keeping the batch mean of Keras\' last-axis form', () => {
    for (const name of REFERENCE_NAMES) {
      const { yTrue, yPred } = inputsFor(name);
      assert.deepStrictEqual(tf.tidy(() => referenceLoss(name)(tf.tensor2d(yTrue), tf.tensor2d(yPred)).shape), [3], name);
    }
    tf.tidy(() => {
      const masks = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 1).round();
      const probabilities = tf.randomUniform([2, 16, 16, 1], 0.05, 0.95, 'float32', 2);
      const loss = referenceLoss('bce')(masks, probabilities);
      assert.deepStrictEqual(loss.shape, [2]);
      const keras = tf.metrics.binaryCrossentropy(masks, probabilities); // [2, 16, 16]
      close([tf.mean(loss).dataSync()[0] as number], [tf.mean(keras).dataSync()[0] as number], 1e-6);
    });
  });

  it('leaves no tensor behind', () => {
    const [t, p, classes] = [tf.tensor2d([[0, 1, 0, 0]]), tf.tensor2d([[0.1, 0.6, 0.2, 0.1]]), tf.tensor2d([[1]])];
    const before = tf.memory().numTensors;
    for (const name of REFERENCE_NAMES) referenceLoss(name)(name === 'sparse-cce' ? classes : t, p).dispose();
    assert.strictEqual(tf.memory().numTensors, before);
    tf.dispose([t, p, classes]);
  });

  it('gives compile names that model.compile accepts and that train on the same values as the reference', () => {
    let named = 0;
    for (const name of REFERENCE_NAMES) {
      const loss = compileName(name);
      if (loss === undefined) continue;
      named++;
      const { yTrue, yPred } = inputsFor(name);
      // An identity layer: the model's prediction is exactly its input, so evaluate() is the loss itself.
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4, useBias: false, kernelInitializer: 'identity' })] });
      model.compile({ loss, optimizer: 'sgd' });
      const [x, y] = [tf.tensor2d(yPred), tf.tensor2d(yTrue)];
      const evaluated = model.evaluate(x, y, { batchSize: 3 }) as tf.Scalar;
      const reference = tf.tidy(() => tf.mean(referenceLoss(name)(y, x)).dataSync()[0] as number);
      close([evaluated.dataSync()[0] as number], [reference], 1e-5);
      tf.dispose([x, y, evaluated]);
      model.dispose();
    }
    assert.ok(named >= 8, `${named} compile names`);
    // Only camelCase names exist (DESIGN.md): the short names throw.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    for (const bad of ['mse', 'huberLoss']) assert.throws(() => model.compile({ loss: bad, optimizer: 'sgd' }), /Unknown loss/, bad);
    model.dispose();
  });

  it('has no compile name where tfjs-layers would train on another loss: hinge with 0/1 labels', () => {
    assert.strictEqual(compileName('huber'), undefined);
    assert.strictEqual(compileName('hinge'), undefined);
    // tfjs-layers' hinge: max(0, 1 − t·p) with t taken as is, so a 0 label costs 1 whatever p is.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, useBias: false, kernelInitializer: 'identity' })] });
    model.compile({ loss: 'hinge', optimizer: 'sgd' });
    const [x, y] = [tf.tensor2d([[0.3, 0.5]]), tf.tensor2d([[1, 0]])];
    const evaluated = model.evaluate(x, y) as tf.Scalar;
    close([evaluated.dataSync()[0] as number], [(0.7 + 1) / 2]);
    assert.notDeepStrictEqual(values('hinge', [[1, 0]], [[0.3, 0.5]]), Array.from(evaluated.dataSync()));
    tf.dispose([x, y, evaluated]);
    model.dispose();
  });
});

describe('--reference NAME[:PARAM]', () => {
  it('parses a name, and a parameter where the built-in takes one', () => {
    assert.deepStrictEqual(parseReference('mse'), { name: 'mse' });
    assert.deepStrictEqual(parseReference('huber:1.5'), { name: 'huber', param: 1.5 });
    for (const bad of ['mse:2', 'huber:', 'huber:-1', 'huber:x', 'nope', 'huber:1:2']) assert.strictEqual(typeof parseReference(bad), 'string', bad);
    assert.strictEqual(formatReference({ name: 'huber', param: 1.5 }), 'huber (δ = 1.5)');
  });

  it('uses Huber with the delta given', () => {
    const at3 = (delta?: number): number => tf.tidy(() => referenceLoss('huber', delta)(tf.tensor2d([[0]]), tf.tensor2d([[3]])).dataSync()[0] as number);
    assert.ok(Math.abs(at3() - 2.5) < 1e-6);
    assert.ok(Math.abs(at3(1.5) - (1.5 * 3 - 0.5 * 1.5 * 1.5)) < 1e-6);
  });

  it("maps a factory's numeric parameter onto the built-in's; an explicit one wins", () => {
    const factory = { kind: 'factory' as const, factoryParams: [{ name: 'delta', defaultText: '1.5', value: 1.5 }] };
    assert.strictEqual(referenceFor('huber', factory), 'huber:1.5');
    assert.strictEqual(referenceFor('huber', factory, [2]), 'huber:2', 'the sliders\' value');
    assert.strictEqual(referenceFor('huber:3', factory), 'huber:3');
    assert.strictEqual(referenceFor('huber', { kind: 'factory', factoryParams: [{ name: 't', defaultText: '1.0', value: 1 }] }), 'huber:1');
    assert.strictEqual(referenceFor('mse', factory), 'mse');
    assert.strictEqual(referenceFor('huber', { kind: 'loss', factoryParams: [] }), 'huber');
    assert.strictEqual(referenceFor('huber', { kind: 'factory', factoryParams: [{ name: 'gamma', defaultText: '2', value: 2 }, { name: 'alpha', defaultText: '0.25', value: 0.25 }] }), 'huber');
  });
});
