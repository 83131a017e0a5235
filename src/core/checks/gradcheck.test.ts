import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { checkGradient, type LossFn } from './gradcheck';

function seeded(shape: number[], low: number, high: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, low, high, 'float32', seed);
}

/** A customGrad loss sum((p - t)²) whose gradient is `factor`·(the right one). */
function scaledGradient(factor: number): LossFn {
  return (t, p) => {
    // customGrad's declared signature takes the save function among the inputs: cast to it.
    const f = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      save([a, b]);
      return {
        value: tf.sum(tf.square(tf.sub(b, a)), -1),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
          return [tf.zerosLike(sa), tf.mul(tf.expandDims(dy, -1), tf.mul(2 * factor, tf.sub(sb, sa)))];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(t, p) as tf.Tensor;
  };
}

describe('gradcheck in float32', () => {
  before(() => tf.setBackend('cpu'));
  let yTrue: tf.Tensor;
  let yPred: tf.Tensor;
  let labels: tf.Tensor;
  let probabilities: tf.Tensor;
  beforeEach(() => {
    yTrue = seeded([6, 4], -2, 2, 1);
    yPred = seeded([6, 4], -2, 2, 2);
    labels = tf.tensor2d([[1], [0], [1], [0], [1], [0]]);
    // Probabilities down to 0.02, where log has a third derivative near 2·10⁵.
    probabilities = tf.tensor2d([[0.02], [0.98], [0.05], [0.5], [0.9], [0.03]]);
  });
  afterEach(() => tf.dispose([yTrue, yPred, labels, probabilities]));

  const correct: Array<[string, LossFn, 'regression' | 'binary']> = [
    ['mean squared error', (t, p) => tf.mean(tf.square(tf.sub(t, p)), -1), 'regression'],
    ['mean absolute error', (t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1), 'regression'],
    ['Huber in the tf.minimum form', (t, p) => {
      const e = tf.abs(tf.sub(t, p));
      const q = tf.minimum(e, 1);
      return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(e, q)), -1);
    }, 'regression'],
    ['log-cosh', (t, p) => {
      const x = tf.sub(p, t);
      return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
    }, 'regression'],
    ['a scalar mean', (t, p) => tf.mean(tf.square(tf.sub(t, p))), 'regression'],
    ['softmax cross-entropy on logits', (t, p) => tf.losses.softmaxCrossEntropy(tf.softmax(t), p, undefined, undefined, tf.Reduction.NONE), 'regression'],
    ['clipped binary cross-entropy near p = 0.02', (t, p) => {
      const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))), -1));
    }, 'binary'],
  ];
  for (const [name, loss, task] of correct) {
    it(`passes a correct ${name}`, () => {
      const result = task === 'binary' ? checkGradient(loss, labels, probabilities) : checkGradient(loss, yTrue, yPred);
      assert.strictEqual(result.status, 'pass', result.message);
      assert.ok(result.value <= 1, `worst error ${result.value} of tolerance`);
    });
  }

  it('fails a customGrad gradient that is off by a factor of two, and one with the wrong sign', () => {
    for (const factor of [0.5, -1]) {
      const result = checkGradient(scaledGradient(factor), yTrue, yPred);
      assert.strictEqual(result.status, 'fail', `factor ${factor}: ${result.message}`);
      assert.ok(result.worst, 'names the worst element');
      assert.ok(Math.abs(result.worst.autodiff / result.worst.numeric - factor) < 0.02, `ratio ${result.worst.autodiff / result.worst.numeric}`);
    }
    assert.strictEqual(checkGradient(scaledGradient(1), yTrue, yPred).status, 'pass', 'the same customGrad, right, passes');
  });

  it('reports abs at exactly 0 as a kink, not a failure', () => {
    const onKink = tf.tensor2d([[0, 1], [2, 0], [-1, 3], [0, 0], [1, 1], [0, 2]]);
    const zeros = tf.zerosLike(onKink);
    const result = checkGradient((t, p) => tf.sum(tf.abs(tf.sub(p, t)), -1), zeros, onKink);
    tf.dispose([onKink, zeros]);
    assert.notStrictEqual(result.status, 'fail', result.message);
    assert.strictEqual(result.kinks.length, 5, `kinks at the five zeros: ${JSON.stringify(result.kinks)}`);
  });

  it('perturbs samples together when they do not interact: the same verdict for fewer evaluations', () => {
    const t = seeded([64, 10], -1, 1, 3);
    const p = seeded([64, 10], -1, 1, 4);
    const mse: LossFn = (a, b) => tf.mean(tf.square(tf.sub(a, b)), -1);
    const batched = checkGradient(mse, t, p);
    const elementwise = checkGradient(mse, t, p, { batched: false, maxElements: 640 });
    const wrongBatched = checkGradient(scaledGradient(2), t, p);
    tf.dispose([t, p]);
    assert.strictEqual(batched.batched, true);
    assert.strictEqual(elementwise.batched, false);
    assert.strictEqual(batched.status, 'pass', batched.message);
    assert.strictEqual(elementwise.status, 'pass', elementwise.message);
    assert.strictEqual(wrongBatched.status, 'fail');
    // 1 base evaluation + 2 for the independence test + 4 steps × 10 elements per sample,
    // against 1 + 4 × 640 one by one.
    assert.strictEqual(batched.evaluations, 1 + 2 + 4 * 10);
    assert.strictEqual(elementwise.evaluations, 1 + 4 * 640);
  });

  it('falls back to element by element for a loss that couples the samples, and stays correct', () => {
    // Normalised by the batch mean: perturbing one sample moves every sample's value.
    const coupled: LossFn = (t, p) => {
      const err = tf.square(tf.sub(t, p));
      return tf.div(tf.mean(err, -1), tf.add(tf.mean(err), 1));
    };
    const result = checkGradient(coupled, yTrue, yPred);
    assert.strictEqual(result.batched, false);
    assert.strictEqual(result.status, 'pass', result.message);
    const wrong: LossFn = (t, p) => tf.div(scaledGradient(2)(t, p), tf.add(tf.mean(tf.square(tf.sub(t, p))), 1));
    assert.strictEqual(checkGradient(wrong, yTrue, yPred).status, 'fail');
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    checkGradient((t, p) => tf.mean(tf.square(tf.sub(t, p)), -1), yTrue, yPred);
    checkGradient(scaledGradient(2), yTrue, yPred);
    assert.strictEqual(tf.memory().numTensors, before);
  });
});
