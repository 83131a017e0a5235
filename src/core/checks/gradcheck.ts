// The gradient check, done for float32 (tfjs has no float64): tfjs's autodiff of sum(loss) against
// central differences. PyTorch's gradcheck defaults are made for double precision and fail in
// float32; the choices here are measured (DESIGN.md "Gradient check in float32"):
// - the step scales with the value, h = cbrt(eps32)·max(|x|, 0.1): large enough that x ± h are
//   distinct floats far apart, small enough to stay inside (0, 1) for probabilities near 0.05;
// - two steps, h and h/2, and their Richardson extrapolation; an element is judged by the better
//   estimate, so a correct loss with large curvature (log p at small p) never fails;
// - the tolerance is 1e-3·max|g| + 1e-2·|g| plus the rounding of f in float32 divided by the step;
// - a kink (abs at 0, a Huber switch) shows as one-sided slopes that differ by the same amount at h
//   and at h/2 (curvature would halve it): reported as a kink, never failed.
// When the loss returns one value per sample and perturbing one sample leaves the others'
// values bit-identical, the same element of every sample is perturbed in one evaluation.
import * as tf from '@tensorflow/tfjs';

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface GradcheckOptions {
  /** Perturb the same element of every sample at once when the samples do not interact (default true). */
  batched?: boolean;
  /** At most this many elements are checked one by one (a seeded choice); default 256. */
  maxElements?: number;
}

export interface GradcheckElement {
  index: number[];
  autodiff: number;
  numeric: number;
}

export interface GradcheckResult {
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** Worst error divided by its tolerance (≤ 1 passes). */
  value: number;
  worst?: GradcheckElement;
  kinks: GradcheckElement[];
  evaluations: number;
  batched: boolean;
}

const EPS32 = 2 ** -23;
const STEP = Math.cbrt(EPS32); // ≈ 4.9e-3
/** How many float32 roundings of f the difference quotient may carry (ops, reductions). */
const ROUNDING = 64;

interface Estimate {
  central: number;
  richardson: number;
  /** One-sided slope difference (forward − backward) at h and at h/2. */
  jumpH: number;
  jumpHalf: number;
  /** Σ|f| of the outputs this element moves, for the rounding term. */
  scale: number;
  step: number;
}

export function checkGradient(loss: LossFn, yTrue: tf.Tensor, yPred: tf.Tensor, options: GradcheckOptions = {}): GradcheckResult {
  const shape = yPred.shape;
  const x = Float32Array.from(yPred.dataSync());
  const autodiff = tf.tidy(() => Float32Array.from(tf.grad((p: tf.Tensor) => tf.sum(loss(yTrue, p)))(yPred).dataSync()));
  let evaluations = 0;
  const evaluate = (values: Float32Array): Float32Array => {
    evaluations++;
    return tf.tidy(() => Float32Array.from(loss(yTrue, tf.tensor(values, shape, 'float32')).dataSync()));
  };
  const base = evaluate(x);
  const batch = shape[0] ?? 1;
  const perSample = x.length / batch;
  const independent = options.batched !== false && batch > 1 && base.length % batch === 0 && samplesIndependent(x, base, batch, evaluate);

  const estimates = new Map<number, Estimate>();
  if (independent) {
    const outPerSample = base.length / batch;
    for (let j = 0; j < perSample; j++) {
      const elements = Array.from({ length: batch }, (_, b) => b * perSample + j);
      const groups = elements.map((_, b) => [b * outPerSample, (b + 1) * outPerSample] as const);
      estimateAll(x, base, elements, groups, evaluate, estimates);
    }
  } else {
    const chosen = chooseElements(x.length, options.maxElements ?? 256);
    for (const i of chosen) estimateAll(x, base, [i], [[0, base.length]], evaluate, estimates);
  }
  return judge(shape, autodiff, estimates, evaluations, independent, x.length);
}

/** Perturbing one sample must leave every other sample's loss bit-identical. */
function samplesIndependent(x: Float32Array, base: Float32Array, batch: number, evaluate: (v: Float32Array) => Float32Array): boolean {
  const perSample = x.length / batch;
  const outPerSample = base.length / batch;
  for (const sample of [0, batch - 1]) {
    const moved = Float32Array.from(x);
    for (let k = 0; k < perSample; k++) moved[sample * perSample + k] = Math.fround((moved[sample * perSample + k] as number) * 1.1 + 0.05);
    const out = evaluate(moved);
    for (let i = 0; i < out.length; i++) {
      if (Math.floor(i / outPerSample) !== sample && !Object.is(out[i], base[i])) return false;
    }
  }
  return true;
}

/** Central differences at h and h/2 for some elements at once, each read from its own output group. */
function estimateAll(
  x: Float32Array,
  base: Float32Array,
  elements: number[],
  groups: ReadonlyArray<readonly [number, number]>,
  evaluate: (v: Float32Array) => Float32Array,
  into: Map<number, Estimate>,
): void {
  const steps = elements.map((i) => STEP * Math.max(Math.abs(x[i] as number), 0.1));
  const at = (scale: number): Float32Array => {
    const moved = Float32Array.from(x);
    elements.forEach((i, k) => (moved[i] = Math.fround((x[i] as number) + scale * (steps[k] as number))));
    return evaluate(moved);
  };
  const [plus, minus, plusHalf, minusHalf] = [at(1), at(-1), at(0.5), at(-0.5)];
  elements.forEach((i, k) => {
    const [from, to] = groups[k] as readonly [number, number];
    const sum = (values: Float32Array): number => {
      let s = 0;
      for (let o = from; o < to; o++) s += values[o] as number; // in float64: no rounding added here
      return s;
    };
    const f0 = sum(base);
    const xi = x[i] as number;
    const step = steps[k] as number;
    // The steps actually taken, after float32 rounding of x ± h.
    const hp = Math.fround(xi + step) - xi;
    const hm = xi - Math.fround(xi - step);
    const hp2 = Math.fround(xi + step / 2) - xi;
    const hm2 = xi - Math.fround(xi - step / 2);
    const [fp, fm, fp2, fm2] = [sum(plus), sum(minus), sum(plusHalf), sum(minusHalf)];
    const central = (fp - fm) / (hp + hm);
    const centralHalf = (fp2 - fm2) / (hp2 + hm2);
    let scale = 0;
    for (let o = from; o < to; o++) scale += Math.abs(base[o] as number);
    into.set(i, {
      central: centralHalf,
      richardson: (4 * centralHalf - central) / 3,
      jumpH: (fp - f0) / hp - (f0 - fm) / hm,
      jumpHalf: (fp2 - f0) / hp2 - (f0 - fm2) / hm2,
      scale,
      step: step / 2,
    });
  });
}

function judge(shape: number[], autodiff: Float32Array, estimates: Map<number, Estimate>, evaluations: number, batched: boolean, total: number): GradcheckResult {
  let largest = 0;
  for (const g of autodiff) if (Number.isFinite(g)) largest = Math.max(largest, Math.abs(g));
  const kinks: GradcheckElement[] = [];
  let worst: (GradcheckElement & { ratio: number }) | undefined;
  let failures = 0;
  for (const [i, e] of estimates) {
    const g = autodiff[i] as number;
    const rounding = (ROUNDING * EPS32 * Math.max(e.scale, 1e-30)) / e.step;
    const tolerance = 1e-3 * largest + 1e-2 * Math.abs(g) + rounding;
    const error = Math.min(Math.abs(e.central - g), Math.abs(e.richardson - g));
    const element = { index: unravel(i, shape), autodiff: g, numeric: Math.abs(e.richardson - g) < Math.abs(e.central - g) ? e.richardson : e.central };
    if (!Number.isFinite(g)) {
      failures++;
      worst = { ...element, ratio: Infinity };
      continue;
    }
    // A kink: the slopes differ on either side, by about as much at h/2 as at h.
    const isKink = Math.abs(e.jumpHalf) > 4 * tolerance && Math.abs(e.jumpHalf) > 0.75 * Math.abs(e.jumpH);
    if (isKink) {
      if (error > tolerance) kinks.push(element);
      continue;
    }
    const ratio = error / tolerance;
    if (!worst || ratio > worst.ratio) worst = { ...element, ratio };
    if (ratio > 1) failures++;
  }
  const checked = estimates.size;
  const value = worst?.ratio ?? 0;
  const how = `${checked === total ? `all ${total}` : `${checked} of ${total}`} elements, ${evaluations} evaluations${batched ? ', samples perturbed together' : ''}`;
  const kinkNote = kinks.length ? `; ${kinks.length} on a kink (one-sided slopes differ, e.g. abs at 0), not judged` : '';
  const strip = (e: GradcheckElement & { ratio?: number }): GradcheckElement => ({ index: e.index, autodiff: e.autodiff, numeric: e.numeric });
  const result = { value, kinks, evaluations, batched, ...(worst ? { worst: strip(worst) } : {}) };
  if (failures > 0 && worst) {
    const off = worst.numeric !== 0 && Number.isFinite(worst.autodiff) ? ` (autodiff/numeric = ${(worst.autodiff / worst.numeric).toPrecision(3)})` : '';
    return {
      ...result,
      status: 'fail',
      message: `the gradient is wrong at [${worst.index.join(', ')}]: autodiff ${fmt(worst.autodiff)}, central differences ${fmt(worst.numeric)}${off}; ${failures} element${failures === 1 ? '' : 's'} off (${how}). A hand-written gradient (tf.customGrad) does not match the loss.`,
    };
  }
  if (largest === 0) return { ...result, status: 'warn', message: `the gradient is zero everywhere (${how}): training cannot move` };
  if (kinks.length === checked) return { ...result, status: 'warn', message: `every element sits on a kink (${how}): the check cannot judge the gradient here` };
  return { ...result, status: 'pass', message: `autodiff matches central differences (${how}; worst error ${(value * 100).toFixed(1)}% of its float32 tolerance${kinkNote})` };
}

/** A seeded choice of at most `max` element indices, in order. */
function chooseElements(total: number, max: number): number[] {
  if (total <= max) return Array.from({ length: total }, (_, i) => i);
  const stride = total / max;
  return Array.from({ length: max }, (_, k) => Math.floor(k * stride + stride / 2));
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
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}
