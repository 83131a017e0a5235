// The loss and its slope as yPred sweeps around a fixed yTrue, for the user's loss and the task's
// built-in losses, and the influence curve of the robustness card. Runs in the panel's worker on
// tfjs's cpu (or wasm) backend; plain tfjs, so the unit tests run it in Node.
import * as tf from '@tensorflow/tfjs';
import { missingGradientKernel } from '../../src/core/checks/context';
import { releaseTape } from '../../src/core/checks/gradcheck';
import { referenceLoss, type ReferenceName } from '../../src/core/checks/reference';
import type { Task } from '../../src/core/report';
import { finiteOrNull, type Curves, type Influence, type Series } from './protocol';

export type AnyLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => unknown;

/** One curve of a sweep: yTrue fixed, yPred(x) = start + x·direction, per sample (no batch axis). */
export interface SweepCase {
  label: string;
  trueShape: number[];
  yTrue: number[];
  predShape: number[];
  yPred: (x: number) => number[];
  /** d yPred / dx: the slope drawn is the derivative along the sweep. */
  direction: number[];
}

export interface Sweep {
  xLabel: string;
  x: number[];
  cases: SweepCase[];
  baselines: { name: ReferenceName; label: string }[];
}

/** Residuals −5…5 with 0 on the grid (kinks sit there); probabilities strictly inside (0, 1). */
const RESIDUALS = Array.from({ length: 201 }, (_, i) => -5 + i * 0.05);
const PROBABILITIES = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);

export function sweepFor(task: Task): Sweep {
  switch (task) {
    case 'regression':
      return {
        xLabel: 'residual yPred − yTrue (yTrue = 0)',
        x: RESIDUALS,
        cases: [{ label: '', trueShape: [1], yTrue: [0], predShape: [1], yPred: (r) => [r], direction: [1] }],
        baselines: [
          { name: 'mse', label: 'MSE' },
          { name: 'mae', label: 'MAE' },
          { name: 'huber', label: 'Huber (δ = 1)' },
        ],
      };
    case 'binary':
    case 'segmentation': {
      const shape = task === 'binary' ? [1] : [4, 4, 1];
      const size = shape.reduce((a, b) => a * b, 1);
      const fill = (v: number): number[] => new Array<number>(size).fill(v);
      const cases = [0, 1].map((y) => ({ label: `y = ${y}`, trueShape: shape, yTrue: fill(y), predShape: shape, yPred: fill, direction: fill(1) }));
      return { xLabel: task === 'binary' ? 'predicted probability p' : 'predicted probability p (every pixel of a 4×4 mask)', x: PROBABILITIES, cases, baselines: [{ name: 'bce', label: 'BCE' }] };
    }
    case 'categorical':
    case 'sparse': {
      // The true class gets p, the two others share 1 − p: the rows stay probabilities.
      const yPred = (p: number): number[] => [p, (1 - p) / 2, (1 - p) / 2];
      const sparse = task === 'sparse';
      return {
        xLabel: 'predicted probability of the true class (3 classes)',
        x: PROBABILITIES,
        cases: [{ label: '', trueShape: sparse ? [1] : [3], yTrue: sparse ? [0] : [1, 0, 0], predShape: [3], yPred, direction: [1, -0.5, -0.5] }],
        baselines: [sparse ? { name: 'sparse-cce', label: 'sparse CCE' } : { name: 'cce', label: 'CCE' }],
      };
    }
  }
}

interface Evaluated {
  loss: number[];
  grad: number[];
  batched: boolean;
}

const batchOf = (c: SweepCase, xs: number[]): { yTrue: tf.Tensor; yPred: tf.Tensor } => ({
  yTrue: tf.tensor(xs.flatMap(() => c.yTrue), [xs.length, ...c.trueShape]),
  yPred: tf.tensor(xs.flatMap((x) => c.yPred(x)), [xs.length, ...c.predShape]),
});

/** The loss's result as a tensor, or an error that says what came back instead. */
function asTensor(out: unknown): tf.Tensor {
  if (out instanceof tf.Tensor) return out;
  throw new TypeError(`your loss returned ${out === null ? 'null' : typeof out}, not a tf.Tensor`);
}

/** Per-sample values of a result with a batch axis (Keras averages the other axes), or undefined for a scalar. */
function perSample(out: tf.Tensor, batch: number): tf.Tensor | undefined {
  if (out.rank === 0 || out.shape[0] !== batch) return undefined;
  return out.rank === 1 ? out : tf.mean(out, Array.from({ length: out.rank - 1 }, (_, i) => i + 1));
}

/** Directional derivative per sample: Σ_j grad[n, j]·direction[j]. */
function along(grad: tf.Tensor, c: SweepCase): tf.Tensor {
  return tf.sum(tf.mul(tf.reshape(grad, [grad.shape[0] ?? 1, -1]), tf.tensor1d(c.direction)), 1);
}

/** One point on its own: the reference every faster path is verified against. */
function pointwise(loss: AnyLoss, c: SweepCase, x: number): { loss: number; grad: number } {
  return tf.tidy(() => {
    const { yTrue, yPred } = batchOf(c, [x]);
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => tf.mean(asTensor(loss(yTrue, p))) as tf.Scalar)(yPred);
    return { loss: value.dataSync()[0] as number, grad: along(grad, c).dataSync()[0] as number };
  });
}

/** The loss at each point on its own, forward only (model.fit's mean of what it returns). */
function valuesPointwise(loss: AnyLoss, c: SweepCase, xs: number[]): number[] {
  return xs.map((x) =>
    tf.tidy(() => {
      const { yTrue, yPred } = batchOf(c, [x]);
      return tf.mean(asTensor(loss(yTrue, yPred))).dataSync()[0] as number;
    }),
  );
}

const close = (a: number, b: number): boolean => Object.is(a, b) || Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)) + 1e-6;

/**
 * The curve in as few calls as the loss allows. A loss that returns one value per sample runs once
 * for all points; a loss that reduces to a scalar needs a call per point for the values, but its
 * gradient still comes from one call when the batch is a plain mean (or sum) of its samples. Both
 * shortcuts are verified at two points against single-point calls, never assumed.
 */
export function evaluateCurve(loss: AnyLoss, c: SweepCase, xs: number[]): Evaluated {
  const n = xs.length;
  const probes = [Math.floor(n / 3), Math.floor((2 * n) / 3)].map((i) => ({ i, ...pointwise(loss, c, xs[i] as number) }));
  const agrees = (values: ArrayLike<number>, grads: ArrayLike<number>): boolean => probes.every((p) => close(values[p.i] as number, p.loss) && close(grads[p.i] as number, p.grad));

  const batched = tf.tidy(() => {
    const { yTrue, yPred } = batchOf(c, xs);
    let values: number[] | undefined;
    const total = tf.valueAndGrad((p: tf.Tensor) => {
      const out = asTensor(loss(yTrue, p));
      const samples = perSample(out, n);
      // Read here: valueAndGrad frees the intermediates when it returns.
      values = samples && Array.from(samples.dataSync());
      return tf.sum(samples ?? out) as tf.Scalar;
    })(yPred);
    return { values, total: total.value.dataSync()[0] as number, grad: Array.from(along(total.grad, c).dataSync()) };
  });
  if (batched.values && agrees(batched.values, batched.grad)) return { loss: batched.values, grad: batched.grad, batched: true };

  const values = valuesPointwise(loss, c, xs);
  // A scalar loss over independent samples is their mean (model.fit's reduction) or their sum.
  const sum = values.reduce((a, b) => a + b, 0);
  for (const [scale, expected] of [[n, sum / n], [1, sum]] as const) {
    if (!close(batched.total, expected)) continue;
    const grad = batched.grad.map((g) => g * scale);
    if (agrees(values, grad)) return { loss: values, grad, batched: false };
  }
  return { loss: values, grad: xs.map((x) => pointwise(loss, c, x).grad), batched: false };
}

/** The built-in losses are per sample and independent by construction: one call for all points. */
function evaluateReference(name: ReferenceName, c: SweepCase, xs: number[]): Evaluated {
  const reference = referenceLoss(name);
  return tf.tidy(() => {
    const { yTrue, yPred } = batchOf(c, xs);
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
      const samples = reference(yTrue, p);
      return tf.sum(samples) as tf.Scalar;
    })(yPred);
    value.dispose();
    return { loss: Array.from(reference(yTrue, yPred).dataSync()), grad: Array.from(along(grad, c).dataSync()), batched: true };
  });
}

/**
 * Where the slope jumps: a step much larger than the steps on either side, and not small. The kink
 * lies between two grid points; the lines through the loss values on each side meet there (for
 * abs, exactly at 0, where tfjs's abs'(0) = −1 would otherwise put it half a step off).
 */
export function findKinks(x: number[], grad: number[], loss?: number[]): number[] {
  let largest = 0;
  for (const g of grad) if (Number.isFinite(g)) largest = Math.max(largest, Math.abs(g));
  const kinks: number[] = [];
  const step = (i: number): number => Math.abs((grad[i + 1] as number) - (grad[i] as number));
  for (let i = 0; i + 1 < grad.length; i++) {
    const jump = step(i);
    if (!Number.isFinite(jump) || jump <= 1e-3 * largest) continue;
    const neighbours = Math.max(i > 0 ? step(i - 1) : 0, i + 2 < grad.length ? step(i + 1) : 0);
    // Beside a non-finite slope nothing can be judged: the point is marked as not finite instead.
    if (Number.isFinite(neighbours) && jump > 8 * neighbours) kinks.push(locate(x, loss, i));
  }
  return kinks;
}

/** Where the secant lines left of x[i] and right of x[i+1] cross, if inside [x[i], x[i+1]]; else the midpoint. */
function locate(x: number[], loss: number[] | undefined, i: number): number {
  const [a, b] = [x[i] as number, x[i + 1] as number];
  const v = (k: number): number => loss?.[k] ?? NaN;
  const left = (v(i) - v(i - 1)) / (a - (x[i - 1] ?? NaN));
  const right = (v(i + 2) - v(i + 1)) / ((x[i + 2] ?? NaN) - b);
  // a + t on the left line equals b + (t − (b − a)) on the right: solve for the crossing.
  const crossing = (v(i + 1) - v(i) + left * a - right * b) / (left - right);
  return Number.isFinite(crossing) && crossing >= a - 1e-12 && crossing <= b + 1e-12 ? crossing : (a + b) / 2;
}

export function computeCurves(loss: AnyLoss, task: Task): Curves {
  try {
    return curvesOf(loss, task);
  } catch (error) {
    releaseTape(); // tfjs keeps the tape of a gradient that throws (see gradcheck.ts)
    throw error;
  }
}

function curvesOf(loss: AnyLoss, task: Task): Curves {
  const started = performance.now();
  const sweep = sweepFor(task);
  const series: Series[] = [];
  const kinks: Curves['kinks'] = [];
  const nonFinite = new Set<number>();
  const notes: string[] = [];
  let allBatched = true;
  for (const c of sweep.cases) {
    const user = evaluateOrValues(loss, c, sweep.x, notes);
    allBatched &&= user.batched;
    for (const k of findKinks(sweep.x, user.grad, user.loss)) kinks.push({ x: round(k), series: series.length });
    series.push({ label: c.label ? `your loss, ${c.label}` : 'your loss', user: true, loss: user.loss.map(finiteOrNull), grad: user.grad.map(finiteOrNull) });
    sweep.x.forEach((x, i) => {
      if (!Number.isFinite(user.loss[i] as number) || (user.differentiable && !Number.isFinite(user.grad[i] as number))) nonFinite.add(x);
    });
  }
  for (const b of sweep.baselines) {
    for (const c of sweep.cases) {
      const ref = evaluateReference(b.name, c, sweep.x);
      series.push({ label: c.label ? `${b.label}, ${c.label}` : b.label, user: false, loss: ref.loss.map(finiteOrNull), grad: ref.grad.map(finiteOrNull) });
    }
  }
  const influence = task === 'regression' && notes.length === 0 ? influenceOf(loss) : null;
  return {
    xLabel: sweep.xLabel,
    x: sweep.x,
    series,
    kinks: kinks.sort((a, b) => a.x - b.x),
    nonFinite: [...nonFinite].sort((a, b) => a - b),
    mode: allBatched ? 'batched' : 'pointwise',
    influence,
    note: influence ? influence.sentence : notes.length ? 'No slope, so no influence to judge.' : pullSentence(series, sweep.x),
    ...(notes[0] ? { problem: notes[0] } : {}),
    ms: performance.now() - started,
  };
}

/**
 * The curve, or where tfjs cannot differentiate the loss (LessEqual in a tf.where condition), its
 * values alone: the shape of the loss is still worth seeing, and the note says why the slope is missing.
 */
function evaluateOrValues(loss: AnyLoss, c: SweepCase, xs: number[], notes: string[]): Evaluated & { differentiable: boolean } {
  try {
    return { ...evaluateCurve(loss, c, xs), differentiable: true };
  } catch (error) {
    releaseTape();
    const kernel = missingGradientKernel(error);
    if (!kernel) throw error;
    notes.push(`No slope: tfjs has no gradient for ${kernel} on the path from yPred, so model.fit would throw. The loss values are drawn alone.`);
    return { loss: valuesPointwise(loss, c, xs), grad: xs.map(() => NaN), batched: false, differentiable: false };
  }
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Influence |dL/dyPred| against |yPred − yTrue|, out to residuals far beyond the curve's: where
 * outliers live. Both signs are swept and the larger pull kept (pinball and LINEX losses pull
 * harder on one side).
 */
export function influenceOf(loss: AnyLoss): Influence {
  const r = Array.from({ length: 81 }, (_, i) => i * 0.25);
  const c = sweepFor('regression').cases[0] as SweepCase;
  const above = evaluateCurve(loss, c, r).grad;
  const below = evaluateCurve(loss, c, r.map((x) => -x)).grad;
  const user = r.map((_, i) => Math.max(Math.abs(above[i] as number), Math.abs(below[i] as number)));
  return { r, user: user.map(finiteOrNull), mse: r.map((x) => 2 * x), mae: r.map(() => 1), ...judgeInfluence(r, user) };
}

/**
 * Bounded, unbounded or redescending, in one sentence a user can act on. Judged by how the pull
 * grows from residual 5 to 20 (the exponent of a power law through the two): MSE's grows like r
 * (exponent 1), |r|^1.5's like r^0.5, r·log(1 + r)'s like r^0.3; a bounded pull grows by less than
 * 2 % over that range (exponent ≤ 0.015: Huber, log-cosh, pseudo-Huber are within it).
 */
export function judgeInfluence(r: number[], influence: number[]): Pick<Influence, 'verdict' | 'sentence'> {
  const at = (x: number): number => influence[r.findIndex((v) => v >= x)] ?? NaN;
  const [near, mid, far] = [at(5), at(10), at(20)];
  if (!influence.every(Number.isFinite)) return { verdict: 'unknown', sentence: 'The influence is not finite for some residuals: see the marked points on the curves.' };
  const peak = Math.max(...influence);
  const fmt = (x: number): string => (Math.abs(x) >= 100 || Math.abs(x) < 0.01 ? x.toExponential(1) : x.toFixed(2));
  const growth = near > 0 ? Math.log(far / near) / Math.log(4) : far > 0 ? Infinity : 0;
  if (far < 0.5 * peak) {
    return { verdict: 'redescending', sentence: `Redescending: the pull peaks at ${fmt(peak)} and falls to ${fmt(far)} at residual 20, so far outliers are nearly ignored (and points that start far away are hard to fit).` };
  }
  if (growth > 0.015) {
    return { verdict: 'unbounded', sentence: `Unbounded: the pull |dL/dyPred| keeps growing with the residual (${fmt(near)} at 5, ${fmt(mid)} at 10, ${fmt(far)} at 20), as MSE's does, so a few outliers can dominate training.` };
  }
  return { verdict: 'bounded', sentence: `Bounded: the pull levels off at about ${fmt(far)} (MAE's is 1), so an outlier pulls no harder than a moderate error.` };
}

/** For probabilities: how hard a confidently wrong prediction pulls, relative to an unsure one. */
function pullSentence(series: Series[], x: number[]): string {
  const user = series.find((s) => s.user && (s.label === 'your loss' || s.label.endsWith('y = 1')));
  if (!user) return '';
  const wrong = user.grad[0];
  const unsure = user.grad[x.findIndex((p) => p >= 0.5)];
  if (wrong === null || wrong === undefined || unsure === null || unsure === undefined) return 'The slope is not finite somewhere on the sweep: see the marked points.';
  const ratio = Math.abs(wrong) / Math.max(Math.abs(unsure), 1e-12);
  return `A confidently wrong prediction (p = ${x[0]} for the true class) pulls with |slope| ${Math.abs(wrong).toPrecision(3)}, ${ratio.toPrecision(3)}× the pull at p = 0.5.`;
}
