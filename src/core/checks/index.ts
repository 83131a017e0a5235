// The runtime checks of one loss, in order, each timed (DESIGN.md "Check ids"). Runs inside the
// worker: the loss is the user's code.
import type { CheckId, CheckResult, Task } from '../report';
import { checkMinimumAtPerfect, checkZeroAtPerfect } from './at-perfect';
import { checkBackends } from './backends';
import { checkBroadcast } from './broadcast';
import { checkReference } from './compare-reference';
import { callLoss, createContext, disposeContext, result, type CheckContext, type LossFn } from './context';
import { checkDeterministic, checkFinite, checkNonNegative, checkRunsAndReturns, checkShape } from './evaluate';
import { checkFit } from './fit';
import { checkGradient as gradcheck } from './gradcheck';
import { checkFiniteAtBoundaries, checkGradient, checkGradientFinite } from './gradient';
import { checkNoLeak } from './leaks';
import { checkMonotone } from './monotone';
import type { ReferenceSpec } from './reference';

export interface CheckOptions {
  task: Task;
  seed: number;
  batch?: number;
  /** The width of the samples' last axis (features, classes); default: the task preset's. */
  width?: number;
  reference?: ReferenceSpec;
  /** Compare cpu with wasm (the backends check); default true. */
  backends?: boolean;
  /** Called before each check (the check process puts back what the loss replaced). */
  beforeEach?: () => void;
}

type Outcome = Omit<CheckResult, 'ms'>;

export async function runChecks(loss: LossFn, options: CheckOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const timed = async (id: CheckId, check: () => Outcome | Promise<Outcome>): Promise<CheckResult> => {
    options.beforeEach?.();
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

  const ctx = createContext(loss, options.task, options.seed, options.batch, options.width);
  try {
    const started = performance.now();
    const first = checkRunsAndReturns(ctx);
    const ms = round(performance.now() - started);
    results.push({ ...first.runs, ms }, { ...first.returns, ms: 0 });
    const rest: CheckId[] = ['shape', 'broadcast', 'finite', 'finite-at-boundaries', 'zero-at-perfect', 'minimum-at-perfect', 'monotone', 'non-negative', 'gradient', 'gradient-finite', 'gradcheck', 'no-leak', 'deterministic', 'backends', 'fit'];
    if (options.reference) rest.push('reference');
    if (!first.output || first.returns.status === 'fail') {
      skipAll(rest, first.runs.status === 'fail' ? 'the loss does not run' : 'the loss does not return a tf.Tensor');
      return results;
    }
    const output = first.output;
    await timed('shape', () => checkShape(ctx, output.shape));
    await timed('broadcast', () => checkBroadcast(ctx));
    await timed('finite', () => checkFinite(ctx));
    await timed('finite-at-boundaries', () => checkFiniteAtBoundaries(ctx));
    await timed('zero-at-perfect', () => checkZeroAtPerfect(ctx));
    await timed('minimum-at-perfect', () => checkMinimumAtPerfect(ctx));
    await timed('monotone', () => checkMonotone(ctx));
    await timed('non-negative', () => checkNonNegative(ctx));
    const gradient = await timed('gradient', () => checkGradient(ctx));
    if (gradient.status === 'fail') skipAll(['gradient-finite', 'gradcheck'], 'tfjs cannot differentiate the loss');
    else if (gradient.status === 'warn' && gradient.value === undefined) {
      // No path from yPred to the result: there is no gradient to be finite, and nothing to check.
      skipAll(['gradient-finite'], 'the loss does not depend on yPred, so it has no gradient to check');
      await timed('gradcheck', () => runGradcheck(ctx));
    } else {
      await timed('gradient-finite', () => checkGradientFinite(ctx));
      await timed('gradcheck', () => runGradcheck(ctx));
    }
    await timed('no-leak', () => checkNoLeak(ctx));
    await timed('deterministic', () => checkDeterministic(ctx));
    if (options.backends === false) skipAll(['backends'], 'not asked for');
    else await timed('backends', () => checkBackends(ctx));
    await timed('fit', () => checkFit(ctx, options.seed));
    const reference = options.reference;
    if (reference) await timed('reference', () => checkReference(ctx, reference));
    return results;
  } finally {
    disposeContext(ctx);
  }
}

function runGradcheck(ctx: CheckContext): Outcome {
  const outcome = gradcheck((yTrue, yPred) => callLoss(ctx.loss, { yTrue, yPred }), ctx.typical.yTrue, ctx.typical.yPred);
  return result('gradcheck', outcome.status, outcome.message, outcome.value);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
