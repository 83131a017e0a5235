// backends: the loss and its gradient agree between tfjs's cpu and wasm backends on the same
// samples, boundaries included. They differ where a loss leans on undefined behaviour: on wasm
// clipByValue(NaN, 0, 1) is 0 and sigmoid(-100) is 0 (DESIGN.md), so a relative error at yTrue = 0
// is NaN on cpu and a number on wasm, and log(sigmoid(x)) is finite on one and −Infinity on the other.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult } from '../report';
import { callLoss, formatNumber, result, type CheckContext } from './context';
import { gradientValues } from './gradient';
import { toTensor, type SamplePair } from './samples';

type Outcome = Omit<CheckResult, 'ms'>;

const BACKENDS = ['cpu', 'wasm'] as const;
/** Kernels of two backends differ by a few ulps; more than this is a different answer. */
const RELATIVE_TOLERANCE = 1e-4;
const SCALE_TOLERANCE = 1e-5;

interface Reading {
  values?: Float32Array;
  gradient?: Float32Array;
  error?: string;
}

export async function checkBackends(ctx: CheckContext): Promise<Outcome> {
  const current = tf.getBackend();
  const other = current === 'wasm' ? 'cpu' : 'wasm';
  if (!(BACKENDS as readonly string[]).includes(current) || !tf.findBackendFactory(other)) {
    return result('backends', 'skip', `only the ${current} backend is available here, so there is nothing to compare with`);
  }
  const pairs = [ctx.samples.typical, ...ctx.samples.boundaries, ctx.samples.scales, ...farOut(ctx)];
  const here = readAll(ctx, pairs);
  let there: Reading[];
  try {
    if (!(await tf.setBackend(other))) return result('backends', 'skip', `the ${other} backend does not start here`);
    there = readAll(ctx, pairs);
  } finally {
    await tf.setBackend(current);
  }
  const readings: Record<string, Reading[]> = { [current]: here, [other]: there };
  const cpu = readings.cpu as Reading[];
  const wasm = readings.wasm as Reading[];
  // The typical samples set the scale of "noise" for all: an exact match's gradient is 0 on one
  // backend and 6e-8 on the other, which is nothing next to the typical gradient.
  const floor = { values: largest(cpu[0]?.values, wasm[0]?.values), gradient: largest(cpu[0]?.gradient, wasm[0]?.gradient) };
  const compared: string[] = [];
  let missingKernel: string | undefined;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as SamplePair;
    const a = cpu[i] as Reading;
    const b = wasm[i] as Reading;
    if (a.error !== undefined && b.error !== undefined) continue;
    if (a.error !== undefined || b.error !== undefined) {
      // A kernel that only one backend lacks is tfjs's matter, and the worker falls back to cpu.
      const which = a.error !== undefined ? 'cpu' : 'wasm';
      if (/kernel|registry|not yet implemented/i.test(a.error ?? b.error ?? '')) {
        missingKernel = which;
        continue;
      }
      return result('backends', 'fail', `at ${pair.name} the loss throws on ${which} only: ${a.error ?? b.error}`);
    }
    compared.push(pair.name);
    const value = disagreement(a.values, b.values, floor.values);
    if (value !== undefined) return result('backends', 'fail', `${where(pair, value, a.values)}: cpu ${formatNumber(a.values?.[value] ?? NaN)}, wasm ${formatNumber(b.values?.[value] ?? NaN)} (the loss)${HINT}`);
    const grad = disagreement(a.gradient, b.gradient, floor.gradient);
    if (grad !== undefined) {
      return result('backends', 'fail', `${elementWhere(pair, grad)}: cpu ${formatNumber(a.gradient?.[grad] ?? NaN)}, wasm ${formatNumber(b.gradient?.[grad] ?? NaN)} (the gradient)${HINT}`);
    }
  }
  if (compared.length === 0) {
    return result('backends', 'skip', missingKernel ? `the ${missingKernel} backend lacks a kernel this loss needs, so there is nothing to compare` : 'the loss throws on both backends');
  }
  return result('backends', 'pass', `loss and gradient agree on cpu and wasm at ${compared.join(', ')}`);
}

/**
 * Probability tasks: predictions of ±100, as logits fed to a sigmoid or softmax inside the loss
 * reach them (sigmoid(−100) is 3.7e-44 on cpu and 0 on wasm, so log(sigmoid(x)) parts ways).
 */
function farOut(ctx: CheckContext): SamplePair[] {
  if (ctx.task === 'regression') return [];
  const target = ctx.samples.perfect.yPred;
  const logits = (sign: number): SamplePair['yPred'] => ({ shape: [...target.shape], values: Float32Array.from(target.values, (v) => (v >= 0.5 ? sign : -sign) * 100) });
  return [
    { name: 'logits of ±100, right', yTrue: ctx.samples.perfect.yTrue, yPred: logits(1) },
    { name: 'logits of ±100, wrong', yTrue: ctx.samples.perfect.yTrue, yPred: logits(-1) },
  ];
}

const HINT = '. Backends differ where a loss relies on NaN, 0/0 or overflow (clipByValue of NaN, log of a sigmoid that underflows): make it well defined there (an epsilon, tf.logSigmoid, tf.divNoNan).';

function readAll(ctx: CheckContext, pairs: SamplePair[]): Reading[] {
  return pairs.map((pair) => {
    const yTrue = toTensor(pair.yTrue);
    const yPred = toTensor(pair.yPred);
    try {
      const values = tf.tidy(() => callLoss(ctx.loss, { yTrue, yPred }).dataSync() as Float32Array);
      let gradient: Float32Array | undefined;
      try {
        gradient = gradientValues(ctx.loss, { yTrue, yPred });
      } catch {
        gradient = undefined; // the gradient check says why tfjs cannot differentiate the loss
      }
      return gradient ? { values, gradient } : { values };
    } catch (error) {
      return { error: (error as Error)?.message ?? String(error) };
    } finally {
      tf.dispose([yTrue, yPred]);
    }
  });
}

/** The first index where one is NaN and the other not, or both finite and apart beyond float32 noise. */
export function disagreement(a: Float32Array | undefined, b: Float32Array | undefined, floor = 0): number | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  const scale = Math.max(floor, largest(a, b));
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return i;
    if (Math.abs(x - y) > RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y)) + SCALE_TOLERANCE * scale + 1e-12) return i;
  }
  return undefined;
}

/** The largest finite |value| of either. */
function largest(a: Float32Array | undefined, b: Float32Array | undefined): number {
  let scale = 0;
  for (const values of [a, b]) for (const v of values ?? []) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  return scale;
}

/** "at exact matches, sample 2 (yTrue = 0)": the sample an output value belongs to. */
function where(pair: SamplePair, index: number, values: Float32Array | undefined): string {
  const batch = pair.yTrue.shape[0] ?? 1;
  if (!values || values.length === 1) return `at ${pair.name} (the batch's one value)`;
  const perSample = values.length / batch;
  const sample = Math.floor(index / perSample);
  return `at ${pair.name}, sample ${sample} (${rowText(pair, sample)})`;
}

function elementWhere(pair: SamplePair, element: number): string {
  const t = pair.yTrue.values.length === pair.yPred.values.length ? pair.yTrue.values[element] : undefined;
  const p = pair.yPred.values[element];
  return `at ${pair.name}, element ${element} (${t === undefined ? '' : `yTrue = ${formatNumber(t)}, `}yPred = ${formatNumber(p ?? NaN)})`;
}

function rowText(pair: SamplePair, sample: number): string {
  const row = (values: Float32Array, batch: number): string => {
    const width = values.length / batch;
    const items = Array.from(values.subarray(sample * width, (sample + 1) * width)).slice(0, 4).map(formatNumber);
    const same = items.every((v) => v === items[0]);
    return same && width > 1 ? `${items[0]} everywhere` : `${items.join(', ')}${width > 4 ? ', …' : ''}`;
  };
  const batch = pair.yTrue.shape[0] ?? 1;
  return `yTrue = ${row(pair.yTrue.values, batch)}; yPred = ${row(pair.yPred.values, batch)}`;
}
