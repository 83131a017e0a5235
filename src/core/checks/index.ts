// The runtime checks of one loss, in order, each timed (DESIGN.md "Check ids"). Runs inside the
// worker: the loss is the user's code.
import * as tf from '@tensorflow/tfjs';
import type { CheckId, CheckResult, Task } from '../report';
import { checkMinimumAtPerfect, checkZeroAtPerfect } from './at-perfect';
import { callLoss, createContext, disposeContext, formatNumber, lossValues, mean, result, type CheckContext, type LossFn } from './context';
import { checkDeterministic, checkFinite, checkNonNegative, checkRunsAndReturns, checkShape } from './evaluate';
import { checkFit } from './fit';
import { checkGradient as gradcheck } from './gradcheck';
import { checkFiniteAtBoundaries, checkGradient, checkGradientFinite } from './gradient';
import { checkNoLeak } from './leaks';
import { referenceLoss, type ReferenceName } from './reference';

export interface CheckOptions {
  task: Task;
  seed: number;
  batch?: number;
  reference?: ReferenceName;
}

type Outcome = Omit<CheckResult, 'ms'>;

export async function runChecks(loss: LossFn, options: CheckOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const timed = async (id: CheckId, check: () => Outcome | Promise<Outcome>): Promise<CheckResult> => {
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await check();
    } catch (error) {
      outcome = result(id, 'fail', `the check could not run the loss: ${(error as Error)?.message ?? String(error)}`);
    }
    const done = { ...outcome, ms: round(performance.now() - started) };
    results.push(done);
    return done;
  };
  const skipAll = (ids: CheckId[], why: string): void => {
    for (const id of ids) results.push({ id, status: 'skip', message: why, ms: 0 });
  };

  const ctx = createContext(loss, options.task, options.seed, options.batch);
  try {
    const started = performance.now();
    const first = checkRunsAndReturns(ctx);
    const ms = round(performance.now() - started);
    results.push({ ...first.runs, ms }, { ...first.returns, ms: 0 });
    const rest: CheckId[] = ['shape', 'finite', 'finite-at-boundaries', 'zero-at-perfect', 'minimum-at-perfect', 'non-negative', 'gradient', 'gradient-finite', 'gradcheck', 'no-leak', 'deterministic', 'fit'];
    if (options.reference) rest.push('reference');
    if (!first.output || first.returns.status === 'fail') {
      skipAll(rest, first.runs.status === 'fail' ? 'the loss does not run' : 'the loss does not return a tf.Tensor');
      return results;
    }
    const output = first.output;
    await timed('shape', () => checkShape(ctx, output.shape));
    await timed('finite', () => checkFinite(ctx));
    await timed('finite-at-boundaries', () => checkFiniteAtBoundaries(ctx));
    await timed('zero-at-perfect', () => checkZeroAtPerfect(ctx));
    await timed('minimum-at-perfect', () => checkMinimumAtPerfect(ctx));
    await timed('non-negative', () => checkNonNegative(ctx));
    const gradient = await timed('gradient', () => checkGradient(ctx));
    if (gradient.status === 'fail') skipAll(['gradient-finite', 'gradcheck'], 'tfjs cannot differentiate the loss');
    else {
      await timed('gradient-finite', () => checkGradientFinite(ctx));
      await timed('gradcheck', () => runGradcheck(ctx));
    }
    await timed('no-leak', () => checkNoLeak(ctx));
    await timed('deterministic', () => checkDeterministic(ctx));
    await timed('fit', () => checkFit(ctx, options.seed));
    const reference = options.reference;
    if (reference) await timed('reference', () => compareWithReference(ctx, reference));
    return results;
  } finally {
    disposeContext(ctx);
  }
}

function runGradcheck(ctx: CheckContext): Outcome {
  const outcome = gradcheck((yTrue, yPred) => callLoss(ctx.loss, { yTrue, yPred }), ctx.typical.yTrue, ctx.typical.yPred);
  return result('gradcheck', outcome.status, outcome.message, outcome.value);
}

/** The batch mean of the loss next to the same of a tfjs built-in. */
function compareWithReference(ctx: CheckContext, name: ReferenceName): Outcome {
  const ours = mean(lossValues(ctx.loss, ctx.typical));
  const theirs = mean(tf.tidy(() => referenceLoss(name)(ctx.typical.yTrue, ctx.typical.yPred).dataSync() as Float32Array));
  const relative = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-12);
  const summary = `batch mean ${formatNumber(ours)} vs ${name} ${formatNumber(theirs)}`;
  if (relative <= 1e-3) return result('reference', 'pass', `${summary}: the same within 0.1%`, ours / theirs);
  return result('reference', 'warn', `${summary}: ${(relative * 100).toFixed(1)}% apart (ratio ${formatNumber(ours / theirs)})`, ours / theirs);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
