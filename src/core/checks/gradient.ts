// gradient, gradient-finite, finite-at-boundaries: tfjs's autodiff of the loss with respect to
// yPred, on the typical samples and on the boundary samples (exact 0 and 1, exact matches, large
// residuals).
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { callLoss, formatNumber, missingGradientKernel, result, type CheckContext, type LossFn, type TensorPair } from './context';
import { releaseTape } from './gradcheck';

type Outcome = Omit<CheckResult, 'ms'>;

/** d sum(loss) / d yPred, read back; throws what tfjs throws. */
export function gradientValues(loss: LossFn, pair: { yTrue: tf.Tensor; yPred: tf.Tensor }): Float32Array {
  try {
    return tf.tidy(() => {
      // Differentiate the sum explicitly: tf.grad of a [batch] output silently does the same.
      const grad = tf.grad((p: tf.Tensor) => tf.sum(callLoss(loss, { yTrue: pair.yTrue, yPred: p })));
      return grad(pair.yPred).dataSync() as Float32Array;
    });
  } catch (error) {
    // tfjs 4.22 keeps the tensors its tape saved when tf.grad throws (2 per throw, even in a tidy).
    releaseTape();
    throw error;
  }
}

const NO_PATH = /Cannot compute gradient of y=f\(x\) with respect to x/;

export function checkGradient(ctx: CheckContext): Outcome {
  let values: Float32Array;
  try {
    values = gradientValues(ctx.loss, ctx.typical);
  } catch (error) {
    const kernel = missingGradientKernel(error);
    if (kernel) {
      return result(
        'gradient',
        'fail',
        `tfjs cannot differentiate the loss: the kernel ${kernel} has no gradient, so model.fit throws. ` +
          (/^(Less|LessEqual|Greater)$/.test(kernel)
            ? 'Compare with tf.greaterEqual instead (it has a gradient), or write the threshold with tf.minimum as tfjs\'s huberLoss does.'
            : `Keep ${kernel} off the path from yPred to the result (compute it from yTrue only), or use ops that differentiate.`),
      );
    }
    if (NO_PATH.test(String((error as Error).message))) {
      return result('gradient', 'warn', 'the loss does not depend on yPred: training cannot change anything');
    }
    return result('gradient', 'fail', `tfjs fails to differentiate the loss: ${(error as Error).message}`);
  }
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) {
    return result('gradient', 'warn', 'the gradient with respect to yPred is zero everywhere: training will not move (a round, sign, argMax or a comparison in the way?)', 0);
  }
  return result('gradient', 'pass', `tfjs differentiates the loss (largest |gradient| ${formatNumber(largest)})`, largest);
}

export function checkGradientFinite(ctx: CheckContext): Outcome {
  const values = gradientValues(ctx.loss, ctx.typical);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return result('gradient-finite', 'pass', 'the gradient is finite on the samples');
  return result('gradient-finite', 'fail', `the gradient is ${values[bad]} at element ${bad} on ordinary samples: one NaN step ruins all the weights`);
}

export function checkFiniteAtBoundaries(ctx: CheckContext): Outcome {
  const problems: string[] = [];
  for (const pair of ctx.boundaries) {
    const problem = boundaryProblem(ctx.loss, pair);
    if (problem) problems.push(problem);
  }
  if (problems.length === 0) return result('finite-at-boundaries', 'pass', `loss and gradient finite at ${ctx.boundaries.map((b) => b.name).join(', ')}`);
  return result(
    'finite-at-boundaries',
    'fail',
    `${problems.join('; ')}. Clip predictions away from 0 and 1 (tf.clipByValue(p, 1e-7, 1 - 1e-7)) or add an epsilon before log, sqrt and division.`,
  );
}

function boundaryProblem(loss: LossFn, pair: TensorPair): string | undefined {
  const values = tf.tidy(() => callLoss(loss, pair).dataSync() as Float32Array);
  const badValue = values.find((v) => !Number.isFinite(v));
  if (badValue !== undefined) return `at ${pair.name} the loss is ${badValue}`;
  let grad: Float32Array;
  try {
    grad = gradientValues(loss, pair);
  } catch {
    return undefined; // the gradient check reports why tfjs cannot differentiate
  }
  const badGrad = grad.find((v) => !Number.isFinite(v));
  return badGrad === undefined ? undefined : `at ${pair.name} the gradient is ${badGrad}`;
}
