import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { computeCurves, evaluateCurve, findKinks, influenceOf, judgeInfluence, sweepFor } from './curves';

const mse = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(p, t)));
const mae = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.abs(tf.sub(p, t)));
const huber = (delta: number) => (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
  const e = tf.abs(tf.sub(p, t));
  const q = tf.minimum(e, delta);
  return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.mul(delta, tf.sub(e, q))));
};
const perSampleMse = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(p, t)), -1);
/** Couples the batch: each sample's error is divided by the batch's largest error. */
const coupled = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
  const e = tf.abs(tf.sub(p, t));
  return tf.mean(tf.div(tf.square(e), tf.add(tf.max(e), 1)));
};

describe('panel curves', () => {
  it('draws the MSE parabola and its slope 2r at every residual', () => {
    const curves = computeCurves(mse, 'regression');
    const user = curves.series.find((s) => s.user);
    assert.ok(user);
    curves.x.forEach((r, i) => {
      assert.ok(Math.abs((user.loss[i] as number) - r * r) <= 1e-4 * Math.max(1, r * r), `loss at ${r}`);
      assert.ok(Math.abs((user.grad[i] as number) - 2 * r) <= 1e-4 * Math.max(1, Math.abs(r)), `slope at ${r}`);
    });
    assert.deepEqual(curves.series.map((s) => s.label), ['your loss', 'MSE', 'MAE', 'Huber (δ = 1)']);
    assert.equal(curves.kinks.length, 0);
  });

  it('overlays the built-in MSE exactly on a custom MSE', () => {
    const curves = computeCurves(mse, 'regression');
    const [user, builtin] = curves.series;
    assert.ok(user && builtin);
    user.loss.forEach((v, i) => assert.ok(Math.abs((v as number) - (builtin.loss[i] as number)) < 1e-4));
  });

  it('marks the kink of MAE at residual 0 and no other', () => {
    const curves = computeCurves(mae, 'regression');
    assert.equal(curves.kinks.length, 1);
    assert.ok(Math.abs(curves.kinks[0]?.x as number) <= 1e-6, `kink at ${curves.kinks[0]?.x}`);
    assert.equal(curves.kinks[0]?.series, 0);
  });

  it('reports no kink for Huber, whose slope is continuous at ±delta', () => {
    const curves = computeCurves(huber(2), 'regression');
    // Huber's slope is continuous at ±delta; only its curvature jumps, so no kink may be reported.
    assert.equal(curves.kinks.length, 0);
    const user = curves.series[0];
    const at = (r: number) => user?.grad[curves.x.findIndex((x) => Math.abs(x - r) < 1e-9)];
    assert.ok(Math.abs((at(4) as number) - 2) < 1e-4);
    assert.ok(Math.abs((at(-1) as number) + 1) < 1e-4);
  });

  it('evaluates a per-sample loss in one call and a scalar one pointwise, with the same values', () => {
    const c = sweepFor('regression').cases[0];
    assert.ok(c);
    const xs = [-2, -0.5, 0.25, 1, 3];
    const fast = evaluateCurve(perSampleMse, c, xs);
    const slow = evaluateCurve(mse, c, xs);
    assert.equal(fast.batched, true);
    assert.equal(slow.batched, false);
    fast.loss.forEach((v, i) => assert.ok(Math.abs(v - (slow.loss[i] as number)) < 1e-5));
    fast.grad.forEach((g, i) => assert.ok(Math.abs(g - (slow.grad[i] as number)) < 1e-5));
  });

  it('computes a batch-coupled loss point by point, as if alone', () => {
    const c = sweepFor('regression').cases[0];
    assert.ok(c);
    const xs = [-3, -1, 0.5, 2, 4];
    const curve = evaluateCurve(coupled, c, xs);
    xs.forEach((r, i) => {
      const alone = (r * r) / (Math.abs(r) + 1);
      assert.ok(Math.abs((curve.loss[i] as number) - alone) < 1e-5, `value at ${r}`);
      const slope = (Math.sign(r) * (2 * Math.abs(r) * (Math.abs(r) + 1) - r * r)) / (Math.abs(r) + 1) ** 2;
      assert.ok(Math.abs((curve.grad[i] as number) - slope) < 1e-4, `slope at ${r}: ${curve.grad[i]} vs ${slope}`);
    });
  });

  it('sweeps BCE for y = 0 and y = 1 with slopes −1/p and 1/(1−p)', () => {
    const bce = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q))))));
    };
    const curves = computeCurves(bce, 'binary');
    const [y0, y1] = curves.series;
    assert.equal(y1?.label, 'your loss, y = 1');
    curves.x.forEach((p, i) => {
      assert.ok(Math.abs((y1?.loss[i] as number) + Math.log(p)) < 1e-3 * Math.max(1, -Math.log(p)));
      assert.ok(Math.abs((y0?.grad[i] as number) - 1 / (1 - p)) < 2e-3 * (1 / (1 - p)));
    });
    assert.match(curves.note, /confidently wrong/);
  });

  it('marks non-finite points of an unclipped log', () => {
    const risky = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.neg(tf.mean(tf.mul(t, tf.log(tf.sub(p, 0.5)))));
    const curves = computeCurves(risky, 'binary');
    assert.ok(curves.nonFinite.length > 50);
    assert.ok(curves.nonFinite.every((p) => p <= 0.5));
  });

  it('reads the slope of categorical losses along the sweep', () => {
    const cce = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.neg(tf.mean(tf.sum(tf.mul(t, tf.log(p)), -1)));
    const curves = computeCurves(cce, 'categorical');
    const user = curves.series[0];
    curves.x.forEach((p, i) => assert.ok(Math.abs((user?.grad[i] as number) + 1 / p) < 2e-3 / p));
  });

  it('calls MSE unbounded, MAE bounded and a Cauchy loss redescending', () => {
    assert.equal(influenceOf(mse).verdict, 'unbounded');
    assert.equal(influenceOf(mae).verdict, 'bounded');
    const cauchy = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.log1p(tf.square(tf.sub(p, t))));
    assert.equal(influenceOf(cauchy).verdict, 'redescending');
    assert.equal(judgeInfluence([0, 10, 20], [0, NaN, 1]).verdict, 'unknown');
  });

  it('finds a jump in a slope and nothing on a smooth one', () => {
    const x = [0, 1, 2, 3, 4, 5];
    assert.deepEqual(findKinks(x, [1, 1.1, 1.2, 3, 3.1, 3.2]), [2.5]);
    // |x − 2.2|: the loss values place the kink between the grid points.
    const kinked = x.map((v) => Math.abs(v - 2.2));
    const found = findKinks(x, x.map((v) => Math.sign(v - 2.2)), kinked);
    assert.equal(found.length, 1);
    assert.ok(Math.abs((found[0] as number) - 2.2) < 1e-9, `at ${found[0]}`);
    assert.deepEqual(findKinks(x, x.map((v) => 2 * v)), []);
  });

  it('says which loss returned no tensor', () => {
    assert.throws(() => computeCurves(() => 3, 'regression'), /your loss returned number, not a tf.Tensor/);
  });

  it('leaks no tensor', () => {
    computeCurves(huber(1), 'regression');
    const before = tf.memory().numTensors;
    computeCurves(huber(1), 'regression');
    computeCurves(perSampleMse, 'categorical');
    assert.equal(tf.memory().numTensors, before);
  });

  it('marks where sqrt(|r|) is not finite, without inventing kinks beside it', () => {
    const root = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.sqrt(tf.abs(tf.sub(p, t))));
    const curves = computeCurves(root, 'regression');
    assert.deepEqual(curves.nonFinite, [0]);
    assert.deepEqual(curves.kinks, []);
  });

  it('draws the values of a loss tfjs cannot differentiate, says why, and leaks nothing', () => {
    const noGradient = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const e = tf.sub(p, t);
      return tf.mean(tf.where(tf.lessEqual(tf.abs(e), 1), tf.square(e), tf.abs(e)));
    };
    const before = tf.memory().numTensors;
    const curves = computeCurves(noGradient, 'regression');
    assert.equal(tf.memory().numTensors, before);
    assert.match(curves.problem ?? '', /no gradient for LessEqual/);
    const user = curves.series[0];
    assert.ok(user?.grad.every((g) => g === null));
    curves.x.forEach((r, i) => assert.ok(Math.abs((user?.loss[i] as number) - (Math.abs(r) <= 1 ? r * r : Math.abs(r))) < 1e-5));
    assert.equal(curves.influence, null);
    assert.deepEqual(curves.nonFinite, []);
  });

  it('frees the gradient tape when the loss throws', () => {
    const throwing = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      tf.square(tf.sub(p, t));
      throw new Error('boom');
    };
    computeCurves(mse, 'regression');
    const before = tf.memory().numTensors;
    assert.throws(() => computeCurves(throwing, 'regression'), /boom/);
    assert.equal(tf.memory().numTensors, before);
  });

  it('puts each kink on the curve it belongs to in two-case sweeps', () => {
    // |p − y| has its kink where p = y: at 1 for y = 1 (outside the sweep), and none inside; |p − 0.3| only for the case y = 1.
    const kinked = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.mul(t, tf.abs(tf.sub(p, 0.3))));
    const curves = computeCurves(kinked, 'binary');
    assert.equal(curves.kinks.length, 1);
    assert.ok(Math.abs((curves.kinks[0]?.x as number) - 0.3) < 1e-6);
    assert.equal(curves.series[curves.kinks[0]?.series as number]?.label, 'your loss, y = 1');
  });

  it('judges slowly growing pulls unbounded, saturating ones bounded, and looks at both signs', () => {
    const power = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.pow(tf.abs(tf.sub(p, t)), 1.5));
    const rLog = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const r = tf.abs(tf.sub(p, t));
      return tf.mean(tf.mul(r, tf.log1p(r)));
    };
    const pseudoHuber = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.mean(tf.sub(tf.sqrt(tf.add(1, tf.square(tf.sub(p, t)))), 1));
    const logCosh = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const x = tf.sub(p, t);
      return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
    };
    const pinball = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const e = tf.sub(t, p);
      return tf.mean(tf.maximum(tf.mul(0.9, e), tf.mul(-0.1, e)));
    };
    // LINEX: exponential on one side, linear on the other: only the side yPred > yTrue explodes.
    const linex = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => {
      const e = tf.mul(0.3, tf.sub(p, t));
      return tf.mean(tf.sub(tf.sub(tf.exp(e), e), 1));
    };
    assert.equal(influenceOf(power).verdict, 'unbounded');
    assert.equal(influenceOf(rLog).verdict, 'unbounded');
    assert.equal(influenceOf(pseudoHuber).verdict, 'bounded');
    assert.equal(influenceOf(logCosh).verdict, 'bounded');
    assert.equal(influenceOf(pinball).verdict, 'bounded');
    assert.equal(influenceOf(linex).verdict, 'unbounded');
  });
});
