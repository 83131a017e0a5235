// runs, returns-tensor, shape, finite, non-negative, deterministic: what one call of the loss on the
// task's typical samples shows.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { describeValue, formatNumber, lossValues, result, type CheckContext } from './context';

type Outcome = Omit<CheckResult, 'ms'>;

/** runs and returns-tensor together: one call, two verdicts. */
export function checkRunsAndReturns(ctx: CheckContext): { runs: Outcome; returns: Outcome; output?: { shape: number[]; dtype: string } } {
  let out: unknown;
  try {
    // Inside tf.tidy, as tfjs calls a loss: its intermediate tensors go; a returned tensor stays.
    tf.tidy(() => {
      out = ctx.loss(ctx.typical.yTrue, ctx.typical.yPred);
      return out instanceof tf.Tensor ? out : undefined;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      runs: result('runs', 'fail', `the loss throws on ${ctx.task} samples ${shapes(ctx)}: ${message}`),
      returns: result('returns-tensor', 'skip', 'the loss does not run'),
    };
  }
  const runs = result('runs', 'pass', `the loss runs on ${ctx.task} samples ${shapes(ctx)}`);
  if (!(out instanceof tf.Tensor)) {
    if (out instanceof Promise) out.catch(() => undefined);
    return { runs, returns: result('returns-tensor', 'fail', `the loss returned ${describeValue(out)}; tfjs needs a tf.Tensor to train on`) };
  }
  const output = { shape: out.shape, dtype: out.dtype };
  out.dispose();
  if (output.dtype !== 'float32') {
    return { runs, returns: result('returns-tensor', 'fail', `the loss returned a ${output.dtype} tensor; gradients need float32 (cast with tf.cast(x, 'float32'))`), output };
  }
  return { runs, returns: result('returns-tensor', 'pass', `a float32 tensor of shape [${output.shape.join(', ')}]`), output };
}

export function checkShape(ctx: CheckContext, shape: number[]): Outcome {
  const batch = ctx.batch;
  const shown = `[${shape.join(', ')}]`;
  if (shape.length === 0) return result('shape', 'pass', 'a scalar: model.fit uses it as the batch loss');
  if (shape.length === 1 && shape[0] === batch) return result('shape', 'pass', `[batch] = ${shown}: one value per sample, as the built-in losses return`);
  // Per element: the shape of yPred, or of yPred with trailing axes reduced ([batch, h, w] of [batch, h, w, 1]).
  const predShape = ctx.typical.yPred.shape;
  const perElement = shape[0] === batch && shape.length > 1 && shape.length <= predShape.length && shape.every((d, i) => d === predShape[i]);
  if (perElement) {
    const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
    return result(
      'shape',
      'warn',
      `${shown} is one value per element, not per sample: model.fit averages all of it, so the loss it reports is divided by ${perSample} and classWeight/sampleWeight weigh elements, not samples. Reduce the last axes, e.g. tf.mean(x, -1).`,
    );
  }
  return result(
    'shape',
    'fail',
    `${shown} is neither a scalar nor one value per sample of the batch of ${batch}: yTrue and yPred may broadcast against each other (a [N] against a [N, 1] gives [N, N]), or a reduction took the wrong axis.`,
  );
}

export function checkFinite(ctx: CheckContext): Outcome {
  const values = lossValues(ctx.loss, ctx.typical);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return result('finite', 'fail', `the loss is ${values[bad]} on ordinary ${ctx.task} samples (element ${bad}): look for log, sqrt or division of values that reach 0`);
  return result('finite', 'pass', `finite on the ${ctx.task} samples`, maxAbs(values));
}

export function checkNonNegative(ctx: CheckContext): Outcome {
  let lowest = Infinity;
  for (const pair of [ctx.typical, ctx.perfect, ...ctx.alternatives]) {
    for (const v of lossValues(ctx.loss, pair)) lowest = Math.min(lowest, v);
  }
  if (lowest >= -1e-6 || !Number.isFinite(lowest)) return result('non-negative', 'pass', 'never negative on the samples', lowest);
  return result('non-negative', 'warn', `the loss goes down to ${formatNumber(lowest)}: fine for a negated similarity, but then 0 is not "perfect" and a loss that keeps falling may not be learning what you mean`, lowest);
}

export function checkDeterministic(ctx: CheckContext): Outcome {
  const first = lossValues(ctx.loss, ctx.typical);
  const second = lossValues(ctx.loss, ctx.typical);
  const differs = first.findIndex((v, i) => !Object.is(v, second[i]));
  if (differs < 0) return result('deterministic', 'pass', 'two calls on the same tensors give the same values');
  return result('deterministic', 'warn', `two calls on the same tensors differ (element ${differs}: ${first[differs]} vs ${second[differs]}): random ops inside the loss make training noisy and results hard to compare`);
}

function shapes(ctx: CheckContext): string {
  return `(yTrue [${ctx.typical.yTrue.shape.join(', ')}], yPred [${ctx.typical.yPred.shape.join(', ')}])`;
}

function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}
