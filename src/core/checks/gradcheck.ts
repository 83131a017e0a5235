// The gradient check in float32 (tfjs has no float64): autodiff of f(yPred) = sum(loss) against
// central differences, with the choices of DESIGN.md "Gradient check in float32":
// - step h = cbrt(eps32)·max(1, |x|) ≈ 4.9e-3·max(1, |x|): it balances the h² truncation of a
//   central difference against the eps32·|f|/h rounding (a double-precision 1e-6 gives garbage);
// - steps h and h/2 and their Richardson extrapolation, judged by the better estimate; where none
//   is within tolerance and they still disagree (log p at p ≈ 0.02, a kink or the domain's edge
//   within h) the step halves again, down to h/64: evaluations go where the check is unsure;
// - tolerance 1e-3·max|g| + 1e-2·|g| (measured on MSE, Huber, BCE) plus the rounding of the loss
//   divided by the step, never the largest relative error (100 % wherever g is near 0);
// - on a kink (abs or relu at 0, max or min at a tie) the one-sided slopes differ by the same
//   amount at every step, where curvature shrinks the difference with the step: reported, never
//   failed, since a correct loss must never fail.
import * as tf from '@tensorflow/tfjs';
import { formatNumber } from './context';

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface GradcheckOptions {
  /** Perturb the same element of every sample in one evaluation when the samples do not interact (default true). */
  batched?: boolean;
  /** At most this many elements (element by element) or positions in a sample (batched), evenly spread; default 256. */
  maxElements?: number;
}

export interface GradcheckElement {
  index: number[];
  autodiff: number;
  numeric: number;
}

/** One checked element and what the check made of it (the panel's per-element view). */
export interface GradcheckJudged extends GradcheckElement {
  /** Error of the best numeric estimate divided by its tolerance (≤ 1 passes); capped to stay finite. */
  ratio: number;
  verdict: 'pass' | 'fail' | 'kink' | Unjudged;
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
  /** Every checked element, in index order. */
  elements: GradcheckJudged[];
}

const EPS32 = 2 ** -23;
const STEP = Math.cbrt(EPS32);
/** h, h/2, …, h/64: below that the rounding term outgrows any gradient worth checking. */
const LEVELS = 7;
/** A kink: a slope jump above 4 tolerances that shrinks by less than a quarter when the step halves (curvature halves it). */
const [KINK_JUMP, KINK_SHRINK] = [4, 0.75];
const NO_PATH = /Cannot compute gradient of y=f\(x\) with respect to x/;
/** Rounding of the loss values in units of eps32·|f|: a few for element-wise ops, √n for a reduction over n
 * inputs (wasm and webgl add in float32, cpu in float64). Correct losses on cpu and wasm stay below 1/8 of it. */
const roundingUlps = (inputs: number): number => 2 + 0.5 * Math.sqrt(inputs);

export type Unjudged = 'not finite' | 'flat' | 'noisy';
const UNJUDGED: Record<Unjudged, string> = {
  'not finite': 'not finite near yPred',
  flat: 'flat within the step (or changes below float32 spacing)',
  noisy: 'too curved or too noisy in float32 down to the smallest step',
};

interface Level {
  h: number;
  /** Sums of the element's outputs at x + h, x and x − h, and the slopes between them. */
  plus: number;
  at: number;
  minus: number;
  central: number;
  forward: number;
  backward: number;
  /** Rounding of the loss values divided by the step. */
  noise: number;
  moved: boolean;
}

interface Probe {
  element: number;
  sample: number;
  /** The outputs this element can move: [from, to), and the inputs they are computed from. */
  from: number;
  to: number;
  inputs: number;
  levels: Level[];
  /** The best error/tolerance so far, and the estimate that gave it. */
  ratio: number;
  numeric: number;
  verdict?: 'pass' | 'fail' | 'kink' | Unjudged;
  /** For a kink: whether autodiff lies between the one-sided slopes. */
  between?: boolean;
}

export function checkGradient(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor, options: GradcheckOptions = {}): GradcheckResult {
  const shape = yPred.shape;
  const x = Float32Array.from(yPred.dataSync());
  const { autodiff, noPath } = autodiffOf(loss, yTrue, yPred);
  let evaluations = 0;
  let outShape: number[] = [];
  const evaluate = (values: Float32Array): Float32Array => {
    evaluations++;
    return tf.tidy(() => {
      const out = loss(yTrue, tf.tensor(values, shape, 'float32'));
      if (!(out instanceof tf.Tensor)) throw new TypeError('the loss did not return a tf.Tensor');
      outShape = out.shape;
      return Float32Array.from(out.dataSync());
    });
  };
  const base = evaluate(x);
  const batch = shape[0] ?? 1;
  const [perSample, outPer] = [x.length / batch, base.length / batch];
  const perSampleOutput = batch > 1 && shape.length > 0 && outShape.length > 0 && outShape[0] === batch;
  const batched = options.batched !== false && perSampleOutput && samplesIndependent(x, base, batch, evaluate);

  const max = Math.max(1, Math.floor(options.maxElements ?? 256));
  const probe = (element: number, sample: number, from: number, to: number, inputs: number): Probe => ({ element, sample, from, to, inputs, levels: [], ratio: Infinity, numeric: NaN });
  const probes = batched
    ? spread(perSample, max).flatMap((j) => Array.from({ length: batch }, (_, b) => probe(b * perSample + j, b, b * outPer, (b + 1) * outPer, perSample)))
    : spread(x.length, max).map((i) => probe(i, 0, 0, base.length, x.length));

  let largest = 0;
  for (const g of autodiff) if (Number.isFinite(g)) largest = Math.max(largest, Math.abs(g));
  // Where the loss itself is not finite there is nothing to difference.
  for (const p of probes) if (!base.subarray(p.from, p.to).every(Number.isFinite)) p.verdict = 'not finite';
  let pending = probes.filter((p) => p.verdict === undefined);
  for (let k = 0; k < LEVELS && pending.length > 0; k++) {
    // Batched, the samples do not interact: one element of every sample moves in each evaluation.
    const rounds = batched ? zipBySample(pending) : pending.map((p) => [p]);
    for (const round of rounds) measure(round, k, x, base, evaluate);
    if (k === 0) continue;
    const fourths = groupFourths(probes);
    for (const p of pending) p.verdict = judge(p, autodiff[p.element] as number, largest, k === LEVELS - 1, fourths.get(p.from) ?? 0);
    pending = pending.filter((p) => p.verdict === undefined);
  }
  return report(shape, probes, autodiff, largest, noPath, evaluations, batched, x.length);
}

/** d sum(loss)/d yPred. tf.grad of a [batch] loss silently differentiates its sum anyway: reduce explicitly. */
function autodiffOf(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor): { autodiff: Float32Array; noPath: boolean } {
  try {
    return { autodiff: tf.tidy(() => Float32Array.from(tf.grad((p: tf.Tensor) => tf.sum(loss(yTrue, p)))(yPred).dataSync())), noPath: false };
  } catch (error) {
    releaseTape();
    // No path from yPred to the result: the gradient is 0, and the differences tell whether it should be.
    if (NO_PATH.test(String((error as Error)?.message))) return { autodiff: new Float32Array(yPred.size), noPath: true };
    throw error; // e.g. "gradient function not found for LessEqual": the gradient check reports it
  }
}

/**
 * When tf.grad throws (no path, a kernel without gradient), tfjs 4.22 skips its own cleanup: the
 * tensors its tape saved for the backward pass stay alive (2 for a small loss, measured), and
 * tf.tidy cannot free them since they are kept. Free them as tfjs does after a backward pass.
 */
export function releaseTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0) return; // inside an outer tf.grad: its tape is still in use
  for (const node of state.activeTape ?? []) for (const saved of node.saved ?? []) saved.dispose();
  state.activeTape = [];
}

/**
 * Whether each sample's outputs depend on that sample alone, verified, never assumed: for each bit
 * of the sample index, the samples with the bit set move (then those without) and the others'
 * outputs must stay bit-identical. Any two samples differ in some bit, so any coupling between two
 * samples shows, for 2·⌈log2 batch⌉ evaluations. Bit-identical rather than "within rounding":
 * calling a coupled loss independent would drop gradient terms, calling it coupled costs only time.
 */
function samplesIndependent(x: Float32Array, base: Float32Array, batch: number, evaluate: (v: Float32Array) => Float32Array): boolean {
  const [perSample, outPer] = [x.length / batch, base.length / batch];
  for (let bit = 1; bit < batch; bit *= 2) {
    for (const set of [true, false]) {
      const moves = (b: number): boolean => ((b & bit) !== 0) === set;
      // 3 % of the value toward 0.5: probabilities stay in [0, 1], and no value is left unmoved.
      const moved = x.map((v, i) => (moves(Math.floor(i / perSample)) ? v + (v < 0.5 ? 0.03 : -0.03) * Math.max(1, Math.abs(v)) : v));
      const out = evaluate(moved);
      if (out.length !== base.length || out.some((v, o) => !moves(Math.floor(o / outPer)) && !Object.is(v, base[o]))) return false;
    }
  }
  return true;
}

/** Differences at step h/2^k for a round of elements moved together, each read from its own outputs. */
function measure(round: Probe[], k: number, x: Float32Array, base: Float32Array, evaluate: (v: Float32Array) => Float32Array): void {
  const [plus, minus] = [Float32Array.from(x), Float32Array.from(x)];
  for (const p of round) {
    const v = x[p.element] as number;
    const h = (STEP * Math.max(1, Math.abs(v))) / 2 ** k;
    [plus[p.element], minus[p.element]] = [v + h, v - h]; // rounded to float32: the steps below are the ones taken
  }
  const [fPlus, fMinus] = [evaluate(plus), evaluate(minus)];
  for (const p of round) {
    const v = x[p.element] as number;
    const [hp, hm] = [(plus[p.element] as number) - v, v - (minus[p.element] as number)];
    // Sums in float64: the outputs this element does not move cancel exactly.
    let [f0, fp, fm, changed, largest] = [0, 0, 0, 0, 0];
    for (let o = p.from; o < p.to; o++) {
      const [a, b, c] = [base[o] as number, fPlus[o] as number, fMinus[o] as number];
      [f0, fp, fm] = [f0 + a, fp + b, fm + c];
      const size = Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
      if (b !== a || c !== a) changed += size;
      largest = Math.max(largest, size);
    }
    // The values that moved carry the rounding; the largest one counts even when it did not move,
    // since a change below its spacing (a loss of 1e8 moved by 1e-3) rounds away entirely.
    const h = (hp + hm) / 2;
    const noise = (roundingUlps(p.inputs) * EPS32 * Math.max(changed, largest)) / h;
    p.levels.push({ h, plus: fp, at: f0, minus: fm, central: (fp - fm) / (hp + hm), forward: (fp - f0) / hp, backward: (f0 - fm) / hm, noise, moved: changed > 0 });
  }
}

/** Rounding of large intermediate values that cancel (p + 100 − 100) is not in |f| but in the fourth difference
 * of the values at x ± h, x ± h/2, x: noise σ gives about √70·σ, a smooth loss f''''·(h/2)⁴ ≈ 0. */
function fourthDifference(p: Probe): number {
  let fourth = 0;
  for (let k = 1; k < p.levels.length; k++) {
    const [a, b] = [p.levels[k - 1] as Level, p.levels[k] as Level];
    fourth = Math.max(fourth, Math.abs(a.minus - 4 * b.minus + 6 * b.at - 4 * b.plus + a.plus));
  }
  return fourth;
}

/** One draw of noise is a poor estimate: the median over each output group (same computation, same intermediate values). */
function groupFourths(probes: Probe[]): Map<number, number> {
  const byGroup = groupBy(probes.filter((p) => p.levels.length > 1), (p) => p.from);
  return new Map([...byGroup].map(([from, list]) => [from, list.map(fourthDifference).sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0]));
}

/** The verdict after the latest step, or undefined to halve the step again. NaN anywhere means "not yet". */
function judge(p: Probe, g: number, largest: number, last: boolean, groupFourth: number): Probe['verdict'] {
  const [before, now] = p.levels.slice(-2) as [Level, Level];
  const tolerance = 1e-3 * largest + 1e-2 * (Number.isFinite(g) ? Math.abs(g) : 0) + now.noise;
  // Richardson for steps a > b: C(h) = g + c·h² + O(h⁴), so (a²·C(b) − b²·C(a)) / (a² − b²) = g + O(h⁴).
  const [a2, b2] = [before.h ** 2, now.h ** 2];
  const richardson = (a2 * now.central - b2 * before.central) / (a2 - b2);
  let error = Infinity;
  for (const estimate of [now.central, richardson]) {
    error = Math.min(error, Math.abs(estimate - g));
    const ratio = Math.abs(estimate - g) / tolerance;
    if (ratio < p.ratio) [p.ratio, p.numeric] = [ratio, estimate];
    // A NaN or infinite autodiff matches nothing: keep an estimate to show; the ratio stays infinite.
    else if (!Number.isFinite(g) && Number.isFinite(estimate)) p.numeric = estimate;
  }
  if (p.ratio <= 1) return 'pass';
  const jump = now.forward - now.backward;
  if (Math.abs(jump) > KINK_JUMP * tolerance && Math.abs(jump) > KINK_SHRINK * Math.abs(before.forward - before.backward)) {
    p.numeric = now.central;
    p.between = g >= Math.min(now.forward, now.backward) - tolerance && g <= Math.max(now.forward, now.backward) + tolerance;
    return 'kink';
  }
  // No output moved at the last two steps: flat here, or the change is below the float32 spacing
  // of a large intermediate value (p + 1e4 − 1e4). The differences cannot judge, except that a
  // flat loss has slope 0, never NaN.
  if (!now.moved && !before.moved) return Number.isFinite(g) ? 'flat' : 'fail';
  const measured = (0.5 * Math.max(fourthDifference(p), groupFourth)) / now.h;
  // The estimates agree with each other, not with autodiff, beyond any rounding seen: a wrong gradient.
  const converged = Math.abs(now.central - before.central) <= tolerance;
  if (converged && error > tolerance + measured && Number.isFinite(p.numeric)) return 'fail';
  if (!last) return undefined;
  return p.levels.every((l) => Number.isFinite(l.plus) && Number.isFinite(l.minus)) ? 'noisy' : 'not finite';
}

function report(shape: number[], probes: Probe[], autodiff: Float32Array, largest: number, noPath: boolean, evaluations: number, batched: boolean, total: number): GradcheckResult {
  const element = (p: Probe): GradcheckElement => ({ index: unravel(p.element, shape), autodiff: autodiff[p.element] as number, numeric: p.numeric });
  const verdicts = groupBy(probes, (p) => p.verdict);
  const of = (verdict: Probe['verdict']): Probe[] => verdicts.get(verdict) ?? [];
  const [passed, failed, kinks] = [of('pass'), of('fail'), of('kink')];
  const worstProbe = (failed.length > 0 ? failed : passed).reduce<Probe | undefined>((w, p) => (!w || p.ratio > w.ratio ? p : w), undefined);
  const worst = worstProbe && element(worstProbe);
  // Finite, so that JSON keeps it (an autodiff of NaN makes the ratio infinite).
  const value = worstProbe ? Math.min(worstProbe.ratio, Number.MAX_VALUE) : 0;
  const judged = [...probes]
    .sort((a, b) => a.element - b.element)
    .map((p): GradcheckJudged => ({ ...element(p), ratio: Math.min(p.ratio, Number.MAX_VALUE), verdict: p.verdict ?? 'noisy' }));
  const result = { value, kinks: [...kinks].sort((a, b) => a.element - b.element).map(element), evaluations, batched, elements: judged, ...(worst ? { worst } : {}) };

  const checked = probes.length === total ? `all ${total}` : `${probes.length} of ${total}`;
  const how = `${evaluations} evaluations, ${batched ? 'samples perturbed together' : 'element by element'}`;
  const between = kinks.filter((p) => p.between).length;
  const unjudged = (Object.keys(UNJUDGED) as Unjudged[]).filter((why) => of(why).length > 0);
  const notes = [
    kinks.length ? `${kinks.length} on a kink (the one-sided slopes differ, as abs at 0), not judged; autodiff lies between the one-sided slopes at ${between} of them` : '',
    unjudged.length ? `not judged: ${unjudged.map((why) => `${of(why).length} where the loss is ${UNJUDGED[why]}`).join(', ')}` : '',
  ].filter(Boolean);
  const tail = notes.length ? `; ${notes.join('; ')}` : '';

  if (worst && failed.length > 0) {
    const finite = Number.isFinite(worst.autodiff);
    const why = noPath
      ? 'No path leads from yPred to the loss for tfjs (data read back with dataSync or array inside the loss?), yet the loss changes with yPred'
      : finite
        ? 'A hand-written gradient (tf.customGrad) or an op with a wrong gradient does not match the loss'
        : `Autodiff gives ${worst.autodiff} where the loss is smooth`;
    const off = finite ? ` (autodiff/numeric ${formatNumber(worst.autodiff / worst.numeric)}), worst error ${value < 100 ? value.toFixed(1) : value.toExponential(1)}× its tolerance` : '';
    const message = `the gradient is wrong at [${worst.index.join(', ')}]: autodiff ${formatNumber(worst.autodiff)}, numeric ${formatNumber(worst.numeric)}${off}; ${failed.length} of ${probes.length} elements off (${how}). ${why}${tail}`;
    return { ...result, status: 'fail', message };
  }
  if (noPath) return { ...result, status: 'warn', message: `the loss does not depend on yPred: tfjs finds no path from yPred to the result, and central differences agree (${checked} elements, ${how})${tail}` };
  if (largest === 0) return { ...result, status: 'warn', message: `the gradient is zero everywhere, and central differences agree (${checked} elements, ${how}): training cannot move (a round, sign, argMax or comparison in the way?)${tail}` };
  if (passed.length === 0) return { ...result, status: 'warn', message: `no element could be judged (${checked} elements, ${how})${tail}` };
  const agree = passed.length === probes.length ? checked : `${passed.length} of ${total}`;
  return { ...result, status: 'pass', message: `autodiff and central differences agree on ${agree} elements (worst error ${(value * 100).toFixed(1)}% of tolerance; ${how})${tail}` };
}

/** Rounds in which no two elements share a sample: the r-th pending element of every sample. */
function zipBySample(pending: Probe[]): Probe[][] {
  const rounds: Probe[][] = [];
  for (const list of groupBy(pending, (p) => p.sample).values()) list.forEach((p, r) => (rounds[r] ??= []).push(p));
  return rounds;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** At most `max` of 0..n-1, evenly spread, in order. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor(((k + 0.5) * n) / max));
}

function unravel(i: number, shape: number[]): number[] {
  return shape.map((size, d) => Math.floor(i / shape.slice(d + 1).reduce((a, b) => a * b, 1)) % size);
}
