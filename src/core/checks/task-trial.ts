// When a loss does not run on its samples: the other task presets it runs on (for a task chosen by
// `auto`), and the width of the last axis it expects (a loss written for 10 classes throws on the
// preset's 5). Each trial is one call of the loss on the typical samples, inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import { TASKS, type Task } from '../report';
import type { LossFn } from './context';
import { defaultWidth, samplesFor, toTensor } from './samples';

/** Widths a loss is commonly written for, tried in this order. */
const WIDTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 20, 32, 64, 100, 128, 256, 1000];

export interface TrialOptions {
  seed: number;
  batch?: number;
  width?: number;
}

/**
 * How the loss fares on the task's typical samples: it throws (or returns no tensor), it runs, or it
 * runs and returns a shape model.fit can use (a scalar, or the batch first and no more axes than yPred).
 */
export function trialOn(loss: LossFn, task: Task, options: TrialOptions): 'fails' | 'runs' | 'fits' {
  let samples;
  try {
    samples = samplesFor(task, { seed: options.seed, ...(options.batch ? { batch: options.batch } : {}), ...(options.width ? { width: options.width } : {}) });
  } catch {
    return 'fails'; // a width the preset cannot make
  }
  const yTrue = toTensor(samples.typical.yTrue);
  const yPred = toTensor(samples.typical.yPred);
  try {
    return tf.tidy(() => {
      const out = loss(yTrue, yPred);
      if (out instanceof Promise) out.catch(() => undefined);
      if (!(out instanceof tf.Tensor)) return 'fails';
      return out.rank === 0 || (out.shape[0] === yPred.shape[0] && out.rank <= yPred.rank) ? 'fits' : 'runs';
    });
  } catch {
    return 'fails';
  } finally {
    tf.dispose([yTrue, yPred]);
  }
}

export function runsOn(loss: LossFn, task: Task, options: TrialOptions): boolean {
  return trialOn(loss, task, options) !== 'fails';
}

/** The first other preset the loss runs on with a usable shape, in the contract's order; else the first it runs on. */
export function firstRunnableTask(loss: LossFn, tried: Task, options: TrialOptions): Task | undefined {
  const trials = TASKS.filter((t) => t !== tried).map((t) => ({ task: t, outcome: trialOn(loss, t, { seed: options.seed, ...(options.batch ? { batch: options.batch } : {}) }) }));
  return (trials.find((t) => t.outcome === 'fits') ?? trials.find((t) => t.outcome === 'runs'))?.task;
}

/** The first width (other than the one that failed) at which the loss runs on the task's samples. */
export function expectedWidth(loss: LossFn, task: Task, options: TrialOptions): number | undefined {
  if (task === 'segmentation') return undefined;
  const failed = options.width ?? defaultWidth(task);
  const batch = options.batch;
  return WIDTHS.filter((w) => w !== failed && w !== batch).find((w) => runsOn(loss, task, { seed: options.seed, width: w, ...(batch ? { batch } : {}) }));
}

/** The tag that sets the task and the sample shape, for messages. */
export function tagFor(task: Task, batch: number, width: number): string {
  return `/** @lossTask ${task} [${batch}, ${width}] */`;
}

/** What the width is called in a task. */
export function widthName(task: Task): string {
  return task === 'regression' ? 'features' : task === 'binary' ? 'outputs' : 'classes';
}
