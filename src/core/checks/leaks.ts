// no-leak: tensors that outlive a call (tf.keep, variables, tensors stored in globals) pile up at
// every training step until the tab or the process runs out of memory.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { callLoss, result, type CheckContext } from './context';

const CALLS = 3;

export function checkNoLeak(ctx: CheckContext): Omit<CheckResult, 'ms'> {
  // Inside tf.tidy, as model.fit and optimizer.minimize call a loss: intermediate tensors are freed
  // there, so only what escapes a tidy (tf.keep, variables, tensors stored outside) counts.
  const call = (): void => tf.tidy(() => void callLoss(ctx.loss, ctx.typical));
  // A first call outside the count: lazily created constants (a cached epsilon tensor) are not leaks.
  call();
  const before = tf.memory().numTensors;
  for (let i = 0; i < CALLS; i++) call();
  const leaked = (tf.memory().numTensors - before) / CALLS;
  if (leaked <= 0) return result('no-leak', 'pass', 'no tensor outlives a call', 0);
  const count = Number.isInteger(leaked) ? String(leaked) : leaked.toFixed(1);
  return result(
    'no-leak',
    'fail',
    `${count} tensor${leaked === 1 ? '' : 's'} per call outlive the loss (tf.keep, a variable or a tensor stored outside): ${count} more at every training step. Compute inside tf.tidy and keep nothing.`,
    leaked,
  );
}
