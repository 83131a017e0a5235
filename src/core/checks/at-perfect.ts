// zero-at-perfect and minimum-at-perfect: a loss should be smallest, ideally 0, where yPred = yTrue.
import type { CheckResult } from '../report';
import { formatNumber, lossValues, mean, result, type CheckContext } from './context';

type Outcome = Omit<CheckResult, 'ms'>;

export function checkZeroAtPerfect(ctx: CheckContext): Outcome {
  const atPerfect = mean(lossValues(ctx.loss, ctx.perfect));
  const typical = Math.abs(mean(lossValues(ctx.loss, ctx.typical)));
  // Clipping by 1e-7 leaves about -log(1 - 1e-7) ≈ 1e-7 per element, and an epsilon under a square
  // root (sqrt(mse + 1e-8) = 1e-4) a little more: zero for any practical purpose next to the typical loss.
  if (!Number.isFinite(atPerfect)) return result('zero-at-perfect', 'warn', `${atPerfect} where yPred = yTrue (see finite-at-boundaries)`);
  const tolerance = 1e-5 + 1e-3 * typical;
  if (Math.abs(atPerfect) <= tolerance) return result('zero-at-perfect', 'pass', `${formatNumber(atPerfect)} where yPred = yTrue`, atPerfect);
  return result(
    'zero-at-perfect',
    'warn',
    `${formatNumber(atPerfect)} where yPred = yTrue, not 0 (typical samples give ${formatNumber(typical)}): fine for losses with an offset or soft targets, otherwise a term does not vanish at the optimum`,
    atPerfect,
  );
}

export function checkMinimumAtPerfect(ctx: CheckContext): Outcome {
  const atPerfect = mean(lossValues(ctx.loss, ctx.perfect));
  const others = ctx.alternatives.map((alt) => ({ name: alt.name, value: mean(lossValues(ctx.loss, alt)) }));
  const lower = others.filter((o) => o.value < atPerfect - 1e-6 * (1 + Math.abs(atPerfect)));
  if (lower.length === 0) {
    return result('minimum-at-perfect', 'pass', `smallest where yPred = yTrue (${formatNumber(atPerfect)}) among ${others.length + 1} predictions`, atPerfect);
  }
  const list = lower.map((o) => `${o.name} ${formatNumber(o.value)}`).join(', ');
  if (lower.length === others.length) {
    return result('minimum-at-perfect', 'fail', `the loss is larger where yPred = yTrue (${formatNumber(atPerfect)}) than at every other prediction tried (${list}): training would move away from the right answer (a sign error?)`, atPerfect);
  }
  return result('minimum-at-perfect', 'warn', `yPred = yTrue (${formatNumber(atPerfect)}) is not the smallest: lower at ${list}`, atPerfect);
}
