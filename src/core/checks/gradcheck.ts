// The gradient check in float32 (tfjs has no float64): tfjs's autodiff of f(yPred) = sum(loss)
// against central differences. Double-precision recipes (a step of 1e-6, a relative error) give
// garbage here; the choices below follow DESIGN.md "Gradient check in float32":
// - the step scales with the value, h = cbrt(eps32)·max(1, |x|) ≈ 4.9e-3·max(1, |x|), the step that
//   balances the h² truncation of a central difference against the eps32/h rounding of f;
// - two steps, h and h/2, and their Richardson extrapolation; an element is judged by its better
//   estimate. Where neither is within tolerance and they still disagree with each other (large
//   curvature, as log p at p ≈ 0.02, a kink or the domain's edge within h), the step is halved
//   again, down to h/64: the check spends evaluations only where it is unsure;
// - the tolerance is 1e-3·max|g| + 1e-2·|g| (the rule measured on MSE, Huber and BCE) plus the
//   rounding of the loss values divided by the step; never the largest relative error, which reads
//   100 % wherever the gradient is near 0;
// - on a kink (abs at 0, relu at 0, a max or min at a tie) the one-sided slopes
//   differ by the same amount at every step, where curvature would shrink the difference with the
//   step: such an element is reported as a kink and never failed, since a correct loss must never fail.
import * as tf from '@tensorflow/tfjs';

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface GradcheckOptions {
  /** Perturb the same element of every sample in one evaluation when the samples do not interact (default true). */
  batched?: boolean;
  /** At most this many elements (element by element) or element positions (batched) are checked, evenly spread; default 256. */
  maxElements?: number;
}

export interface GradcheckElement {
  index: number[];
  autodiff: number;
  numeric: number;
}

export interface GradcheckResult {
  status: 'pass' | 'warn' | 'fail';
  /** What a user can act on. */
  message: string;
  /** Worst error divided by its tolerance (≤ 1 passes). */
  value: number;
  worst?: GradcheckElement;
  /** Elements where the one-sided differences disagree (e.g. abs at 0): reported, not failed. */
  kinks: GradcheckElement[];
  /** Loss evaluations used for the numeric gradient. */
  evaluations: number;
  /** Whether the batched scheme was used. */
  batched: boolean;
}

const EPS32 = 2 ** -23;
const STEP = Math.cbrt(EPS32);
/** Steps h, h/2, …, h/64: below h/64 the rounding term outgrows any gradient worth checking. */
const LEVELS = 7;
/** A kink: a slope jump above 4 tolerances that shrinks by less than a quarter when the step halves (curvature halves it). */
const KINK_JUMP = 4;
const KINK_SHRINK = 0.75;
const NO_PATH = /Cannot compute gradient of y=f\(x\) with respect to x/;

/**
 * Rounding of the loss values in ulps: a few for the element-wise ops, plus √n for a float32
 * reduction over the n inputs (wasm and webgl accumulate in float32; cpu in float64).
 */
const roundingUlps = (inputs: number): number => 2 + 0.5 * Math.sqrt(inputs);

interface Level {
  central: number;
  forward: number;
  backward: number;
  h: number;
  /** The rounding of the changed loss values divided by the step. */
  noise: number;
}

interface Probe {
  element: number;
  sample: number;
  /** The outputs this element moves: [from, to) of the loss's values. */
  from: number;
  to: number;
  inputs: number;
  levels: Level[];
  /** The best error/tolerance over the levels, and the estimate that gave it. */
  ratio: number;
  numeric: number;
  verdict?: 'pass' | 'fail' | 'kink' | 'unresolved';
}

export function checkGradient(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor, options: GradcheckOptions = {}): GradcheckResult {
  const shape = yPred.shape;
  const x = Float32Array.from(yPred.dataSync());
  const { autodiff, noPath } = autodiffOf(loss, yTrue, yPred);
  let evaluations = 0;
  const evaluate = (values: Float32Array): { values: Float32Array; shape: number[] } => {
    evaluations++;
    return tf.tidy(() => {
      const out = loss(yTrue, tf.tensor(values, shape, 'float32'));
      if (!(out instanceof tf.Tensor)) throw new TypeError('the loss did not return a tf.Tensor');
      return { values: Float32Array.from(out.dataSync()), shape: out.shape };
    });
  };
  const base = evaluate(x);
  const batch = shape[0] ?? 1;
  const perSample = x.length / batch;
  const perSampleOutput = shape.length > 0 && base.shape.length > 0 && base.shape[0] === batch && batch > 1;
  const batched = options.batched !== false && perSampleOutput && samplesIndependent(x, base.values, batch, (v) => evaluate(v).values);

  const max = Math.max(1, Math.floor(options.maxElements ?? 256));
  const outPer = base.values.length / batch;
  const probes: Probe[] = [];
  const probe = (element: number, sample: number, from: number, to: number, inputs: number): Probe => ({ element, sample, from, to, inputs, levels: [], ratio: Infinity, numeric: NaN });
  if (batched) {
    for (const j of spread(perSample, max)) for (let b = 0; b < batch; b++) probes.push(probe(b * perSample + j, b, b * outPer, (b + 1) * outPer, perSample));
  } else {
    for (const i of spread(x.length, max)) probes.push(probe(i, 0, 0, base.values.length, x.length));
  }

  let largest = 0;
  for (const g of autodiff) if (Number.isFinite(g)) largest = Math.max(largest, Math.abs(g));
  // Samples do not interact when batched: one element per sample can move in each evaluation.
  const rounds = (pending: Probe[]): Probe[][] => (batched ? zipBySample(pending) : pending.map((p) => [p]));
  let pending = probes.filter((p) => {
    const finite = base.values.subarray(p.from, p.to).every(Number.isFinite);
    if (!finite) p.verdict = 'unresolved'; // the loss itself is not finite here: nothing to difference
    return finite;
  });
  for (let k = 0; k < LEVELS && pending.length > 0; k++) {
    for (const round of rounds(pending)) measure(round, k, x, base.values, (v) => evaluate(v).values);
    if (k === 0) continue;
    for (const p of pending) p.verdict = judge(p, autodiff[p.element] as number, largest, k === LEVELS - 1);
    pending = pending.filter((p) => p.verdict === undefined);
  }
  return report(shape, probes, autodiff, largest, noPath, evaluations, batched, x.length);
}

/** d sum(loss)/d yPred. tf.grad of a [batch] loss silently differentiates its sum anyway: reduce explicitly. */
function autodiffOf(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { autodiff: Float32Array; noPath: boolean } {
  try {
    const autodiff = tf.tidy(() => Float32Array.from(tf.grad((p: tf.Tensor) => tf.sum(loss(yTrue, p)))(yPred).dataSync()));
    return { autodiff, noPath: false };
  } catch (error) {
    // No path from yPred to the result: the gradient is 0, and the differences tell whether it should be.
    if (NO_PATH.test(String((error as Error)?.message))) return { autodiff: new Float32Array(yPred.size), noPath: true };
    throw error; // e.g. "gradient function not found for LessEqual": the gradient check reports it
  }
}

/**
 * Whether every sample's outputs depend on that sample alone, verified, never assumed: for each
 * bit of the sample index, the samples with the bit set move (then those without) and the others'
 * outputs must stay bit-identical. Any two samples differ in some bit, so any coupling between two
 * samples shows, for 2·⌈log2 batch⌉ evaluations. Bit-identical, not "within rounding": calling a
 * coupled loss independent would miss gradient terms, calling it coupled costs only time.
 */
function samplesIndependent(x: Float32Array, base: Float32Array, batch: number, evaluate: (v: Float32Array) => Float32Array): boolean {
  const perSample = x.length / batch;
  const outPer = base.length / batch;
  for (let bit = 1; bit < batch; bit *= 2) {
    for (const set of [true, false]) {
      const moves = (b: number): boolean => ((b & bit) !== 0) === set;
      const moved = Float32Array.from(x);
      for (let i = 0; i < x.length; i++) {
        // 3 % of the value away from 0.5, so probabilities in [0, 1] stay in [0, 1] and nothing is a fixed point.
        const v = x[i] as number;
        if (moves(Math.floor(i / perSample))) moved[i] = v + (v < 0.5 ? 0.03 : -0.03) * Math.max(1, Math.abs(v));
      }
      const out = evaluate(moved);
      if (out.length !== base.length) return false;
      for (let o = 0; o < out.length; o++) if (!moves(Math.floor(o / outPer)) && !Object.is(out[o], base[o])) return false;
    }
  }
  return true;
}

/** Central and one-sided differences at step h/2^k for a round of elements moved together. */
function measure(round: Probe[], k: number, x: Float32Array, base: Float32Array, evaluate: (v: Float32Array) => Float32Array): void {
  const plus = Float32Array.from(x);
  const minus = Float32Array.from(x);
  for (const p of round) {
    const v = x[p.element] as number;
    const h = (STEP * Math.max(1, Math.abs(v))) / 2 ** k;
    plus[p.element] = v + h; // stored as float32: the steps used below are the ones actually taken
    minus[p.element] = v - h;
  }
  const fPlus = evaluate(plus);
  const fMinus = evaluate(minus);
  for (const p of round) {
    const v = x[p.element] as number;
    const hp = (plus[p.element] as number) - v;
    const hm = v - (minus[p.element] as number);
    // Sums in float64: the outputs this element does not move cancel exactly.
    let f0 = 0;
    let fp = 0;
    let fm = 0;
    let changed = 0;
    let largest = 0;
    for (let o = p.from; o < p.to; o++) {
      const [a, b, c] = [base[o] as number, fPlus[o] as number, fMinus[o] as number];
      f0 += a;
      fp += b;
      fm += c;
      const size = Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
      if (b !== a || c !== a) changed += size;
      largest = Math.max(largest, size);
    }
    // The values that moved carry the rounding; the largest one counts even when it did not move,
    // since a change smaller than its spacing (a loss of 1e8 moved by 1e-3) rounds away entirely.
    const scale = Math.max(changed, largest);
    const h = (hp + hm) / 2;
    p.levels.push({ central: (fp - fm) / (hp + hm), forward: (fp - f0) / hp, backward: (f0 - fm) / hm, h, noise: (roundingUlps(p.inputs) * EPS32 * scale) / h });
  }
}

/** The verdict after the latest level, or undefined to halve the step again. NaN anywhere means "not yet". */
function judge(p: Probe, g: number, largest: number, last: boolean): Probe['verdict'] {
  const now = p.levels[p.levels.length - 1] as Level;
  const before = p.levels[p.levels.length - 2] as Level;
  const tolerance = 1e-3 * largest + 1e-2 * (Number.isFinite(g) ? Math.abs(g) : 0) + now.noise;
  // Richardson for steps a > b: C(h) = g + c·h² + O(h⁴), so (a²·C(b) − b²·C(a)) / (a² − b²) = g + O(h⁴).
  const [a2, b2] = [before.h ** 2, now.h ** 2];
  const richardson = (a2 * now.central - b2 * before.central) / (a2 - b2);
  for (const estimate of [now.central, richardson]) {
    const ratio = Math.abs(estimate - g) / tolerance;
    if (ratio < p.ratio) [p.ratio, p.numeric] = [ratio, estimate];
    // A NaN or infinite autodiff matches nothing: keep the estimate to show, the ratio stays infinite.
    else if (!Number.isFinite(g) && Number.isFinite(estimate)) p.numeric = estimate;
  }
  if (p.ratio <= 1) return 'pass';
  const jump = now.forward - now.backward;
  if (Math.abs(jump) > KINK_JUMP * tolerance && Math.abs(jump) > KINK_SHRINK * Math.abs(before.forward - before.backward)) {
    p.numeric = now.central;
    return 'kink';
  }
  // The estimates agree with each other but not with autodiff: the gradient is wrong.
  if (Math.abs(now.central - before.central) <= tolerance && Number.isFinite(p.numeric)) return 'fail';
  return last ? 'unresolved' : undefined;
}

function report(shape: number[], probes: Probe[], autodiff: Float32Array, largest: number, noPath: boolean, evaluations: number, batched: boolean, total: number): GradcheckResult {
  const element = (p: Probe): GradcheckElement => ({ index: unravel(p.element, shape), autodiff: autodiff[p.element] as number, numeric: p.numeric });
  const of = (verdict: Probe['verdict']): Probe[] => probes.filter((p) => p.verdict === verdict);
  const [passed, failed, kinks, unresolved] = [of('pass'), of('fail'), of('kink'), of('unresolved')];
  const judged = failed.length > 0 ? failed : passed;
  const worstProbe = judged.reduce<Probe | undefined>((w, p) => (!w || p.ratio > w.ratio ? p : w), undefined);
  const worst = worstProbe && element(worstProbe);
  // Finite, so that JSON keeps it (an autodiff of NaN gives an infinite ratio).
  const value = worstProbe ? Math.min(worstProbe.ratio, Number.MAX_VALUE) : 0;
  const kinkElements = kinks.map(element);
  const result = { value, kinks: kinkElements, evaluations, batched, ...(worst ? { worst } : {}) };

  const checked = probes.length === total ? `all ${total}` : `${probes.length} of ${total}`;
  const how = `${evaluations} evaluations${batched ? ', samples perturbed together' : ', element by element'}`;
  const between = kinks.filter((p) => {
    const g = autodiff[p.element] as number;
    const last = p.levels[p.levels.length - 1] as Level;
    const slack = 1e-3 * largest + 1e-2 * Math.abs(g) + last.noise;
    return g >= Math.min(last.forward, last.backward) - slack && g <= Math.max(last.forward, last.backward) + slack;
  }).length;
  const notes = [
    kinks.length ? `${kinks.length} on a kink (the one-sided slopes differ, as abs at 0), not judged: autodiff lies between the one-sided slopes at ${between} of them${between < kinks.length ? '; look at the others' : ''}` : '',
    unresolved.length ? `${unresolved.length} not judged: the loss is not finite or not smooth enough within ${STEP.toPrecision(2)}·max(1, |x|) of yPred` : '',
  ].filter(Boolean);
  const tail = notes.length ? `; ${notes.join('; ')}` : '';

  if (failed.length > 0 && worst) {
    const why = noPath
      ? 'tfjs finds no path from yPred to the loss (data read back with dataSync or array inside the loss?), yet the loss changes with yPred'
      : !Number.isFinite(worst.autodiff)
        ? `autodiff is ${worst.autodiff} where the loss is smooth`
        : 'a hand-written gradient (tf.customGrad) or an op with a wrong gradient does not match the loss';
    return {
      ...result,
      status: 'fail',
      message: `the gradient is wrong at [${worst.index.join(', ')}]: autodiff ${fmt(worst.autodiff)}, numeric ${fmt(worst.numeric)}${ratioNote(worst)}, ${failed.length} of ${probes.length} elements off (worst error ${fmt(value)}× its tolerance; ${how}). ${capitalize(why)}${tail}.`,
    };
  }
  if (noPath) return { ...result, status: 'warn', message: `the loss does not depend on yPred: tfjs finds no path from yPred to the result, and central differences agree (${checked} elements, ${how})${tail}` };
  if (largest === 0) return { ...result, status: 'warn', message: `the gradient is zero everywhere, and central differences agree (${checked} elements, ${how}): training cannot move (a round, sign, argMax or comparison in the way?)${tail}` };
  if (passed.length === 0) return { ...result, status: 'warn', message: `no element could be judged (${checked} elements, ${how})${tail}` };
  return {
    ...result,
    status: 'pass',
    message: `autodiff and central differences agree on ${passed.length === probes.length ? checked : `${passed.length} of ${probes.length}`} elements (worst error ${(value * 100).toFixed(1)}% of tolerance; ${how})${tail}`,
  };
}

/** The ratio says what kind of wrong: 0.5 or 2 a factor, -1 a sign. */
function ratioNote(e: GradcheckElement): string {
  const r = e.autodiff / e.numeric;
  return Number.isFinite(r) && e.numeric !== 0 ? ` (autodiff/numeric ${fmt(r)})` : '';
}

/** Group elements so that no two in a group share a sample: the r-th pending element of every sample. */
function zipBySample(pending: Probe[]): Probe[][] {
  const bySample = new Map<number, Probe[]>();
  for (const p of pending) bySample.set(p.sample, [...(bySample.get(p.sample) ?? []), p]);
  const rounds: Probe[][] = [];
  for (const list of bySample.values()) list.forEach((p, r) => (rounds[r] ??= []).push(p));
  return rounds;
}

/** At most `max` of 0..n-1, evenly spread, in order. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor(((k + 0.5) * n) / max));
}

function unravel(i: number, shape: number[]): number[] {
  const index: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] ?? 1;
    index.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return index;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toPrecision(3);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
