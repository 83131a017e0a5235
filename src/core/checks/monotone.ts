// monotone: moving a prediction away from its target never lowers the loss. Regression: |residual|
// grows from 0 to 1e3, for all elements together, each sign alone, one column at a time and single
// elements, the rest fixed at their targets. Probability tasks: the probability of the true class
// falls from 1 − 1e-4 to 1e-4 (one column: p for y = 1, 1 − p for y = 0; softmax rows: the other
// classes share the rest), for all samples, each label alone and single samples. A sign error, a
// −p·log p or a cosine without its minus falls somewhere along these paths.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { callLoss, formatNumber, result, type CheckContext } from './context';
import { spreadTrueProbability, type SampleTensor } from './samples';

type Outcome = Omit<CheckResult, 'ms'>;

/** |residual| steps: every decade from 1e-3 to 1e3, with thresholds' usual places (1, 2, 5) between. */
const RESIDUALS = [0, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 2, 5, 10, 30, 100, 300, 1000];
/** p(true class) steps, from confidently right to confidently wrong. */
const TRUE_PROBABILITY = [1 - 1e-4, 0.999, 0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 1e-3, 1e-4];
/** Where the rest of a probability prediction sits while one part moves: confidently right, not exactly. */
const REST_PROBABILITY = 0.9;
/**
 * float32 noise: a sum of n float32 terms is off by about n·2^-24 of its largest partial sum, so a
 * step must fall by more than 1e-4 of the values around it (and 1e-7 absolute) to count.
 */
const RELATIVE_TOLERANCE = 1e-4;
const ABSOLUTE_TOLERANCE = 1e-7;
/** The loss may be lowest a little away from the target (label smoothing, a small regulariser). */
const LOWEST_RESIDUAL_ALLOWED = 0.1;
const LOWEST_PROBABILITY_ALLOWED = 0.5;
const MAX_COLUMN_PATHS = 4;
const MAX_SINGLE_PATHS = 3;

interface Path {
  /** For messages: "all elements", "column 2", "sample 3"… */
  name: string;
  /** The prediction at each step. */
  predictions: SampleTensor[];
}

export function checkMonotone(ctx: CheckContext): Outcome {
  const regression = ctx.task === 'regression';
  const steps = regression ? RESIDUALS : TRUE_PROBABILITY;
  if (ignoresTargets(ctx)) {
    return result('monotone', 'warn', 'the loss does not depend on yTrue, so there is no target to move away from: fine for an embedding or regularisation term, otherwise the labels never reach the loss');
  }
  const paths = regression ? regressionPaths(ctx) : probabilityPaths(ctx);
  // The last step at which the lowest value may lie: a little away from the target, on its side.
  const allowedLowest = (regression ? RESIDUALS.findIndex((r) => r > LOWEST_RESIDUAL_ALLOWED) : TRUE_PROBABILITY.findIndex((p) => p < LOWEST_PROBABILITY_ALLOWED)) - 1;
  const describe = (i: number): string => (regression ? `|residual| ${formatNumber(steps[i] as number)}` : `p(true) ${formatNumber(steps[i] as number)}`);
  let flatAt: number | undefined;
  let probes = 0;
  let judged = 0;
  for (const path of paths) {
    const values = path.predictions.map((p) => wholeLoss(ctx, p));
    probes += values.length;
    if (values.filter(Number.isFinite).length >= 2) judged++;
    const problem = firstDecrease(values, allowedLowest);
    if (problem) {
      const [from, to] = problem;
      return result(
        'monotone',
        'fail',
        `${describe(from)} → ${formatNumber(steps[to] as number)} lowers the loss ${apart(values[from] as number, values[to] as number)} (${path.name}): ` +
          'a prediction moved away from its target should never lower the loss, or training pushes predictions that way. A sign error, a term that rewards a wrong answer (−p·log p is 0 at p = 0 too), or a similarity without its minus?',
      );
    }
    if (regression && path.name === 'all elements, mixed signs') flatAt = plateauStart(values);
  }
  if (flatAt !== undefined) {
    return result(
      'monotone',
      'warn',
      `redescending: the loss never falls, but beyond |residual| ≈ ${formatNumber(RESIDUALS[flatAt] as number)} it stops growing, so outliers there pull with no force. Fine for a robust loss by design (Tukey, Welsch); otherwise a clip or a saturating term cuts the gradient.`,
      RESIDUALS[flatAt],
    );
  }
  if (judged === 0) return result('monotone', 'skip', 'the loss is not finite along the paths, so there is nothing to compare (see finite)');
  const what = regression ? '|residual| from 0 to 1e3' : 'p(true class) from 1 − 1e-4 to 1e-4';
  return result('monotone', 'pass', `never lower as ${what} moves away from the target (${paths.length} paths, ${probes} predictions)`);
}

/** "0.15 → 0.05", with enough digits to tell the two apart. */
function apart(a: number, b: number): string {
  if (formatNumber(a) !== formatNumber(b)) return `${formatNumber(a)} → ${formatNumber(b)}`;
  return `${a.toPrecision(7)} → ${b.toPrecision(7)}`;
}

/** The same values for other targets: yTrue plays no part. */
function ignoresTargets(ctx: CheckContext): boolean {
  const values = (yTrue: tf.Tensor): Float32Array => tf.tidy(() => callLoss(ctx.loss, { yTrue, yPred: ctx.typical.yPred }).dataSync() as Float32Array);
  const ours = values(ctx.typical.yTrue);
  if ((ctx.typical.yTrue.shape[0] ?? 1) < 2) return false;
  // Other labels of the same kind: the same labels shifted by one sample.
  const shifted = tf.tidy(() => tf.concat([tf.slice(ctx.typical.yTrue, 1), tf.slice(ctx.typical.yTrue, 0, 1)]));
  try {
    const theirs = values(shifted);
    // NaN everywhere says nothing about yTrue: finite reports that.
    return ours.length === theirs.length && ours.every((v, i) => Number.isFinite(v) && Object.is(v, theirs[i]));
  } finally {
    shifted.dispose();
  }
}

/** Sum of whatever the loss returns: one moved element changes it only through that element's terms. */
function wholeLoss(ctx: CheckContext, prediction: SampleTensor): number {
  return tf.tidy(() => {
    const yPred = tf.tensor(prediction.values, prediction.shape, 'float32');
    return tf.sum(callLoss(ctx.loss, { yTrue: ctx.perfect.yTrue, yPred })).dataSync()[0] as number;
  });
}

/**
 * The first step that lowers the loss beyond float32 noise, among finite values: before the lowest
 * value only when that lies past `allowedLowest` steps (the loss then prefers a wrong prediction),
 * after it always.
 */
export function firstDecrease(values: readonly number[], allowedLowest: number): [number, number] | undefined {
  const finite = values.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
  if (finite.length < 2) return undefined;
  let lowest = 0;
  finite.forEach(([v], k) => {
    if (v < (finite[lowest]?.[0] ?? Infinity) - tolerance(v, finite[lowest]?.[0] ?? v)) lowest = k;
  });
  const start = (finite[lowest]?.[1] ?? 0) <= allowedLowest ? lowest : 0;
  for (let k = start; k + 1 < finite.length; k++) {
    const [a, i] = finite[k] as readonly [number, number];
    const [b, j] = finite[k + 1] as readonly [number, number];
    if (b < a - tolerance(a, b)) return [i, j];
  }
  return undefined;
}

function tolerance(a: number, b: number): number {
  return RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + ABSOLUTE_TOLERANCE;
}

/** The step from which a rising loss stays flat to the end (the last three steps at least), if any. */
export function plateauStart(values: readonly number[]): number | undefined {
  const last = values.length - 1;
  const top = values[last] as number;
  const first = values[0] as number;
  if (!Number.isFinite(top) || !Number.isFinite(first) || top - first <= tolerance(top, first)) return undefined;
  let k = last;
  while (k > 0 && Number.isFinite(values[k - 1] as number) && Math.abs(top - (values[k - 1] as number)) <= tolerance(top, values[k - 1] as number) + 1e-3 * Math.abs(top - first)) k--;
  return last - k >= 2 ? k : undefined;
}

function regressionPaths(ctx: CheckContext): Path[] {
  const target = ctx.samples.perfect.yTrue;
  const n = target.values.length;
  const width = target.shape[target.shape.length - 1] ?? 1;
  const rows = n / width;
  // A checkerboard of signs: every row and every column has both.
  const mixed = (i: number): number => ((Math.floor(i / width) + (i % width)) % 2 === 0 ? 1 : -1);
  const path = (name: string, moved: (i: number) => number): Path => ({
    name,
    predictions: RESIDUALS.map((r) => ({ shape: [...target.shape], values: Float32Array.from(target.values, (t, i) => t + moved(i) * r) })),
  });
  const paths = [path('all elements, mixed signs', mixed), path('all elements, yPred above yTrue', () => 1), path('all elements, yPred below yTrue', () => -1)];
  for (let c = 0; c < Math.min(width, MAX_COLUMN_PATHS) && width > 1; c++) paths.push(path(`column ${c} alone`, (i) => (i % width === c ? mixed(i) : 0)));
  const singles = [0, n - 1, Math.floor(rows / 2) * width + Math.floor(width / 2)].slice(0, MAX_SINGLE_PATHS);
  for (const e of new Set(singles)) paths.push(path(`element ${e} alone, the rest exact`, (i) => (i === e ? mixed(i) : 0)));
  return paths;
}

function probabilityPaths(ctx: CheckContext): Path[] {
  const target = ctx.samples.perfect.yPred;
  const shares = ctx.samples.typical.yPred;
  const independent = ctx.task === 'binary' || ctx.task === 'segmentation';
  const cols = independent ? 1 : (target.shape[target.shape.length - 1] ?? 1);
  const units = target.values.length / cols;
  // A unit is one element (independent probabilities) or one row (softmax); its label is the target.
  const label = (u: number): number => (target.values[u * cols] as number) >= 0.5 ? 1 : 0;
  const path = (name: string, moves: (u: number) => boolean): Path => ({
    name,
    predictions: TRUE_PROBABILITY.map((p) =>
      spreadTrueProbability(target, shares, cols, Array.from({ length: units }, (_, u) => (moves(u) ? p : REST_PROBABILITY))),
    ),
  });
  const paths = [path('all samples', () => true)];
  if (independent) {
    paths.push(path('where yTrue = 1', (u) => label(u) === 1), path('where yTrue = 0', (u) => label(u) === 0));
  }
  const firstOf = (l: number): number => Array.from({ length: units }, (_, u) => u).find((u) => !independent || label(u) === l) ?? 0;
  const singles = independent ? [firstOf(1), firstOf(0)] : [0, units - 1, Math.floor(units / 2)];
  const unit = independent ? 'element' : 'sample';
  for (const s of new Set(singles.slice(0, MAX_SINGLE_PATHS))) paths.push(path(`${unit} ${s} alone`, (u) => u === s));
  return paths;
}
