import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { checkGradient, type GradcheckResult, type LossFn } from './gradcheck';
import { samplesFor, toTensor } from './samples';

const uniform = (shape: number[], low: number, high: number, seed: number): tf.Tensor => tf.randomUniform(shape, low, high, 'float32', seed);

/**
 * A loss with the value of `loss` and `factor` times its gradient: factor·loss plus (1 − factor)·loss
 * behind a customGrad that passes no gradient, the way a hand-written gradient goes wrong.
 */
const noGradient = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);
function scaledGradient(loss: LossFn, factor: number): LossFn {
  return (t, p) => {
    const value = loss(t, p);
    return tf.add(tf.mul(factor, value), noGradient(tf.mul(1 - factor, value)) as tf.Tensor);
  };
}

const mse: LossFn = (t, p) => tf.mean(tf.square(tf.sub(t, p)), -1);
const clippedBce: LossFn = (t, p) => {
  const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))), -1));
};

function at(t: tf.Tensor, index: number[]): number {
  return (t.arraySync() as number[][])[index[0] as number]?.[index[1] as number] as number;
}

function assertStatus(result: GradcheckResult, status: GradcheckResult['status']): void {
  assert.strictEqual(result.status, status, result.message);
}

describe('gradcheck in float32', () => {
  before(() => tf.setBackend('cpu'));
  let yTrue: tf.Tensor;
  let yPred: tf.Tensor;
  let labels: tf.Tensor;
  let probabilities: tf.Tensor;
  beforeEach(() => {
    yTrue = uniform([6, 4], -2, 2, 1);
    yPred = uniform([6, 4], -2, 2, 2);
    labels = tf.tensor2d([[1], [0], [1], [0], [1], [0]]);
    // Down to 0.02 and up to 0.98, where -log has a third derivative near 2.5·10⁵.
    probabilities = tf.tensor2d([[0.02], [0.98], [0.05], [0.5], [0.9], [0.03]]);
  });
  afterEach(() => tf.dispose([yTrue, yPred, labels, probabilities]));

  const correct: Array<[string, LossFn, 'regression' | 'binary']> = [
    ['mean squared error', mse, 'regression'],
    ['mean absolute error', (t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1), 'regression'],
    ["tfjs's huberLoss (the tf.minimum form)", (t, p) => tf.mean(tf.losses.huberLoss(t, p, undefined, 1, tf.Reduction.NONE), -1), 'regression'],
    ['log-cosh', (t, p) => {
      const x = tf.sub(p, t);
      return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)), -1);
    }, 'regression'],
    ['scalar mean', (t, p) => tf.mean(tf.square(tf.sub(t, p))), 'regression'],
    ['softmax cross-entropy on logits', (t, p) => tf.losses.softmaxCrossEntropy(tf.softmax(t), p, undefined, undefined, tf.Reduction.NONE), 'regression'],
    ['clipped binary cross-entropy at p = 0.02 … 0.98', clippedBce, 'binary'],
  ];
  for (const [name, loss, task] of correct) {
    it(`passes a correct ${name}`, () => {
      const result = task === 'binary' ? checkGradient(loss, labels, probabilities) : checkGradient(loss, yTrue, yPred);
      assertStatus(result, 'pass');
      assert.ok(result.value <= 1 && result.value > 0, `worst error ${result.value} of tolerance`);
      assert.match(result.message, /agree on all \d+ elements/);
    });
  }

  it('passes a correct loss whose intermediate values dwarf it (mse + 100 − 100), on ten seeds of the regression preset', () => {
    // Its float32 rounding is that of 100, not of |f| ≈ 0.3: only the measured fourth differences show it.
    const cancelling: LossFn = (t, p) => tf.sub(tf.add(mse(t, p), 100), 100);
    for (let seed = 1; seed <= 10; seed++) {
      const s = samplesFor('regression', { seed });
      const [t, p] = [toTensor(s.typical.yTrue), toTensor(s.typical.yPred)];
      const result = checkGradient(cancelling, t, p);
      tf.dispose([t, p]);
      assert.notStrictEqual(result.status, 'fail', `seed ${seed}: ${result.message}`);
    }
  });

  it('finds the numeric gradient of MSE that the formula gives: 2·(p − t)/4', () => {
    const result = checkGradient(mse, yTrue, yPred);
    assert.ok(result.worst);
    const expected = (2 * (at(yPred, result.worst.index) - at(yTrue, result.worst.index))) / 4;
    assert.ok(Math.abs(result.worst.numeric - expected) <= 1e-3 * Math.abs(expected) + 1e-6, `${result.worst.numeric} vs ${expected}`);
  });

  it('fails a gradient off by a factor of two and one with the wrong sign, naming the ratio', () => {
    for (const factor of [2, 0.5, -1]) {
      const result = checkGradient(scaledGradient(mse, factor), yTrue, yPred);
      assertStatus(result, 'fail');
      assert.ok(result.worst && result.value > 1);
      assert.ok(Math.abs(result.worst.autodiff / result.worst.numeric - factor) < 0.01 * Math.abs(factor), `ratio ${result.worst.autodiff / result.worst.numeric}`);
      assert.match(result.message, /the gradient is wrong at \[\d, \d\]: autodiff .*numeric .*24 of 24 elements off/);
    }
    assertStatus(checkGradient(scaledGradient(mse, 1), yTrue, yPred), 'pass');
  });

  it("fails tfjs's own softmaxCrossEntropy when the labels do not sum to 1: its gradient assumes they do", () => {
    // -Σ t·log softmax(p) has the gradient s·softmax(p) − t with s = Σ t; tfjs's customGrad returns softmax(p) − t.
    const t = tf.tensor2d([[1, 1, 0], [0.5, 0, 1], [2, 0, 0]]);
    const p = tf.tensor2d([[0.5, -1, 2], [1, 0, -0.5], [0, 0.3, 0.1]]);
    const result = checkGradient((a, b) => tf.losses.softmaxCrossEntropy(a, b, undefined, undefined, tf.Reduction.NONE), t, p);
    const [ts, ps] = [t.arraySync() as number[][], p.arraySync() as number[][]];
    tf.dispose([t, p]);
    assertStatus(result, 'fail');
    const [r, c] = result.worst?.index as [number, number];
    const row = ps[r] as number[];
    const exps = row.map(Math.exp);
    const softmax = (exps[c] as number) / exps.reduce((a, b) => a + b, 0);
    const sum = (ts[r] as number[]).reduce((a, b) => a + b, 0);
    const expected = sum * softmax - ((ts[r] as number[])[c] as number);
    assert.ok(Math.abs((result.worst?.numeric as number) - expected) < 1e-3, `${result.worst?.numeric} vs ${expected}`);
  });

  it('reports abs at exactly 0 as a kink without failing, and still judges the other elements', () => {
    const onKink = tf.tensor2d([[0, 1], [2, 0], [-1, 3], [0, 0], [1, 1], [0, 2]]);
    const zeros = tf.zerosLike(onKink);
    const result = checkGradient((t, p) => tf.sum(tf.abs(tf.sub(p, t)), -1), zeros, onKink);
    tf.dispose([onKink, zeros]);
    assert.notStrictEqual(result.status, 'fail', result.message);
    assert.deepStrictEqual(result.kinks.map((k) => k.index), [[0, 0], [1, 1], [3, 0], [3, 1], [5, 0]]);
    // tfjs's abs'(0) is -1 (DESIGN.md): a one-sided slope; central differences give 0.
    for (const k of result.kinks) assert.deepStrictEqual([k.autodiff, Math.abs(k.numeric) < 1e-6], [-1, true]);
    assert.match(result.message, /agree on 7 of 12 elements.*5 on a kink.*between the one-sided slopes at 5 of them/);
    // Every element with its verdict, in index order (the panel's per-element view).
    assert.deepStrictEqual(result.elements.map((e) => e.index), [0, 1, 2, 3, 4, 5].flatMap((i) => [[i, 0], [i, 1]]));
    const kinked = new Set(result.kinks.map((k) => k.index.join()));
    for (const e of result.elements) assert.strictEqual(e.verdict, kinked.has(e.index.join()) ? 'kink' : 'pass', e.index.join());
    assert.ok(result.elements.filter((e) => e.verdict === 'pass').every((e) => e.ratio <= 1));
  });

  it('halves the step near a kink or the edge of the domain instead of failing', () => {
    // Residuals of 1e-3, inside the step (4.9e-3), and an unclipped log at p = 3e-3, where p − h < 0.
    const t = tf.tensor2d([[0, 1], [0, 0]]);
    const p = tf.tensor2d([[1e-3, 1 - 1e-3], [-1e-3, 0.5]]);
    const mae = checkGradient((a, b) => tf.mean(tf.abs(tf.sub(a, b)), -1), t, p);
    const probs = tf.tensor2d([[3e-3], [0.5]]);
    const ones = tf.onesLike(probs);
    const log = checkGradient((a, b) => tf.neg(tf.sum(tf.mul(a, tf.log(b)), -1)), ones, probs);
    tf.dispose([t, p, probs, ones]);
    assertStatus(mae, 'pass');
    assertStatus(log, 'pass');
    // More than the 1 + 2·⌈log2 2⌉ + 4·(elements per sample) of two steps.
    assert.ok(mae.evaluations > 1 + 2 + 4 * 2 && log.evaluations > 1 + 2 + 4 * 1, `${mae.evaluations}, ${log.evaluations}`);
  });

  it('perturbs the samples of a per-sample loss together: the same verdicts, counted evaluations', () => {
    const t = uniform([64, 10], -1, 1, 3);
    const p = uniform([64, 10], -1, 1, 4);
    const wrong = scaledGradient(mse, 2);
    const runs = {
      batched: checkGradient(mse, t, p),
      elementwise: checkGradient(mse, t, p, { batched: false, maxElements: 640 }),
      sampled: checkGradient(mse, t, p, { batched: false }),
      wrongBatched: checkGradient(wrong, t, p),
      wrongElementwise: checkGradient(wrong, t, p, { batched: false }),
    };
    tf.dispose([t, p]);
    assert.deepStrictEqual(Object.values(runs).map((r) => [r.status, r.batched]), [['pass', true], ['pass', false], ['pass', false], ['fail', true], ['fail', false]]);
    // Batched: 1 base + 2·⌈log2 64⌉ for the independence test + 2 signs · 2 steps · 10 elements per sample.
    assert.strictEqual(runs.batched.evaluations, 1 + 2 * 6 + 2 * 2 * 10);
    // Element by element: 1 + 2·2 per element, for all 640 or the 256 spread over them by default.
    assert.strictEqual(runs.elementwise.evaluations, 1 + 2 * 2 * 640);
    assert.strictEqual(runs.sampled.evaluations, 1 + 2 * 2 * 256);
    assert.match(runs.sampled.message, /agree on 256 of 640 elements/);
  });

  describe('a loss that couples the samples (divided by the batch mean)', () => {
    const coupled = (inner: LossFn): LossFn => (t, p) => tf.div(inner(t, p), tf.add(tf.mean(tf.square(tf.sub(t, p))), 1));

    it('is found coupled, checked element by element, and passes when right', () => {
      const result = checkGradient(coupled(mse), yTrue, yPred);
      assert.strictEqual(result.batched, false);
      assertStatus(result, 'pass');
      // 1 base + 1: the first independence test shows the coupling + 2·2 per element.
      assert.strictEqual(result.evaluations, 1 + 1 + 2 * 2 * 24);
    });

    it('fails when its customGrad is wrong', () => {
      assertStatus(checkGradient(coupled(scaledGradient(mse, 2)), yTrue, yPred), 'fail');
    });

    it('is also found coupled when only the largest sample sets the scale (a max over the batch)', () => {
      const byMax: LossFn = (t, p) => tf.div(mse(t, p), tf.max(mse(t, p)));
      const result = checkGradient(byMax, yTrue, yPred);
      assert.strictEqual(result.batched, false);
      assert.notStrictEqual(result.status, 'fail', result.message);
    });
  });

  it('fails a gradient that is NaN where the loss is flat: where(p >= 0, sqrt(p), 0) at p < 0', () => {
    const p = tf.tensor2d([[0.5, -0.5], [1, 2], [-1, 0.3]]);
    const t = tf.zerosLike(p);
    const result = checkGradient((_, b) => tf.sum(tf.where(tf.greaterEqual(b, 0), tf.sqrt(b), tf.zerosLike(b)), -1), t, p);
    tf.dispose([p, t]);
    assertStatus(result, 'fail');
    assert.match(result.message, /Autodiff gives NaN where the loss is smooth/);
    assert.ok(Number.isFinite(result.value));
  });

  it('warns where the gradient is zero everywhere or the loss does not depend on yPred', () => {
    const rounded = checkGradient((t, p) => tf.mean(tf.square(tf.sub(t, tf.round(p))), -1), yTrue, yPred);
    assertStatus(rounded, 'warn');
    assert.match(rounded.message, /zero everywhere/);
    const constant = checkGradient((t) => tf.mean(tf.square(t), -1), yTrue, yPred);
    assertStatus(constant, 'warn');
    assert.match(constant.message, /does not depend on yPred/);
  });

  it('fails a loss that reads its data back (dataSync): autodiff sees no path, the values move', () => {
    const readBack: LossFn = (t, p) => mse(t, tf.tensor(p.dataSync(), p.shape));
    const result = checkGradient(readBack, yTrue, yPred);
    assertStatus(result, 'fail');
    assert.match(result.message, /No path leads from yPred/);
  });

  it('lets an error of autodiff through: another check reports it', () => {
    const noGradientKernel: LossFn = (t, p) => tf.mean(tf.where(tf.lessEqual(p, t), tf.square(tf.sub(t, p)), tf.abs(tf.sub(t, p))), -1);
    assert.throws(() => checkGradient(noGradientKernel, yTrue, yPred), /gradient function not found for LessEqual/);
  });

  it('leaves no tensor behind, whatever the verdict', () => {
    const before = tf.memory().numTensors;
    checkGradient(mse, yTrue, yPred);
    checkGradient(scaledGradient(mse, 2), yTrue, yPred);
    checkGradient((t, p) => tf.div(mse(t, p), tf.mean(mse(t, p))), yTrue, yPred);
    checkGradient((t) => tf.mean(t, -1), yTrue, yPred);
    assert.throws(() => checkGradient((t, p) => tf.where(tf.less(p, t), p, t), yTrue, yPred));
    assert.strictEqual(tf.memory().numTensors, before);
  });
});
