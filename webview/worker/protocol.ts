// Messages between the panel's page and its Web Workers, where the user's bundled loss runs. The
// worker executes user code, so the page validates every reply as it validates the host's
// messages (src/protocol.ts); requests carry ids, replies name the request they answer.
import * as z from 'zod/mini';
import { BACKENDS, BACKEND_CHOICES, list, text } from '../../src/protocol';
import { TASKS } from '../../src/core/report';
import { DATASETS } from './datasets';

// Constants only: this module is in the page's bundle, which must not pull in tfjs.
/** The built-in baselines the panel offers (reference.ts computes them). */
export const BASELINES = ['mse', 'mae', 'huber', 'logcosh', 'bce', 'cce', 'sparse-cce'] as const;
export type Baseline = (typeof BASELINES)[number];

/** Non-finite numbers travel as null (JSON has no NaN; chart.js leaves a gap there). */
const value = z.nullable(z.number());
const values = list(value, 5000);

const lossRef = z.object({
  exportName: text(300),
  kind: z.enum(['loss', 'factory']),
  /** Factory arguments in order; null keeps a parameter's default. */
  args: list(z.nullable(z.number()), 50),
});
export type LossRef = z.infer<typeof lossRef>;

export const workerRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('curves'), id: z.int(), loss: lossRef, task: z.enum(TASKS) }),
  z.object({ type: z.literal('gradcheck'), id: z.int(), loss: lossRef, task: z.enum(TASKS), seed: z.int() }),
  z.object({
    type: z.literal('train'),
    id: z.int(),
    loss: lossRef,
    dataset: z.enum(DATASETS),
    labels: z.enum(['one-hot', 'sparse']),
    baseline: z.enum(BASELINES),
    epochs: z.int().check(z.minimum(1), z.maximum(1000)),
    backend: z.enum(BACKEND_CHOICES),
    seed: z.int(),
    /** With backend 'auto': the choice of an earlier trial in this panel, used without timing again. */
    kept: z.optional(z.object({ backend: z.enum(BACKENDS), reason: text(1000) })),
  }),
  z.object({ type: z.literal('stop'), id: z.int() }),
]);
export type WorkerRequest = z.infer<typeof workerRequest>;

const series = z.object({
  /** 'your loss', 'MSE', … with the case for two-case sweeps ('y = 1'). */
  label: text(200),
  user: z.boolean(),
  loss: values,
  /** The slope of the loss along the sweep: dL/dyPred for one output, the directional derivative otherwise. */
  grad: values,
});
export type Series = z.infer<typeof series>;

const influence = z.object({
  r: list(z.number(), 1000),
  user: values,
  mse: values,
  mae: values,
  verdict: z.enum(['bounded', 'unbounded', 'redescending', 'unknown']),
  sentence: text(1000),
});
export type Influence = z.infer<typeof influence>;

const curves = z.object({
  xLabel: text(200),
  x: list(z.number(), 5000),
  series: list(series, 12),
  /** Where the slope of one of the user's curves (an index into series) jumps: a kink; and where it is not finite. */
  kinks: list(z.object({ x: z.number(), series: z.int() }), 5000),
  nonFinite: list(z.number(), 5000),
  /** 'batched': one call for all points; 'pointwise': one call per point (the loss couples its batch or reduces it). */
  mode: z.enum(['batched', 'pointwise']),
  influence: z.nullable(influence),
  /** A sentence about the user's loss for tasks without an influence curve. */
  note: text(1000),
  /** Why part of the picture is missing (no gradient: the values are drawn alone). */
  problem: z.optional(text(1000)),
  ms: z.number(),
});
export type Curves = z.infer<typeof curves>;

const judged = z.object({
  index: list(z.int(), 8),
  autodiff: value,
  numeric: value,
  ratio: value,
  verdict: z.enum(['pass', 'fail', 'kink', 'not finite', 'flat', 'noisy']),
});
export type JudgedElement = z.infer<typeof judged>;

const gradcheck = z.object({
  status: z.enum(['pass', 'warn', 'fail']),
  message: text(5000),
  /** The elements shown: those that need attention first, up to 1024 of `total`. */
  elements: list(judged, 1024),
  /** How many elements the check judged (a segmentation mask has thousands). */
  total: z.int(),
  evaluations: z.int(),
  batched: z.boolean(),
  backend: text(50),
  ms: z.number(),
});
export type GradcheckView = z.infer<typeof gradcheck>;

const modelEpoch = z.object({ loss: value, metric: value });
const epoch = z.object({
  epoch: z.int(),
  ms: z.number(),
  user: modelEpoch,
  baseline: modelEpoch,
  grid: z.object({
    xs: z.optional(list(z.number(), 10_000)),
    bounds: z.optional(z.object({ xMin: z.number(), xMax: z.number(), yMin: z.number(), yMax: z.number() })),
    user: list(value, 10_000),
    baseline: list(value, 10_000),
  }),
});
export type EpochView = z.infer<typeof epoch>;

const trial = z.object({
  backend: z.enum(BACKENDS),
  msPerEpoch: z.nullable(z.number()),
  /** The user's loss on the first batch with the initial weights: the same number on every backend, or a backend differs. */
  firstLoss: z.optional(value),
  error: z.optional(text(1000)),
});
export type BackendTrial = z.infer<typeof trial>;

const dataPoints = z.object({
  x: list(z.number(), 20_000),
  features: z.int(),
  y: list(z.number(), 20_000),
  outputs: z.int(),
  inlier: z.optional(list(z.number(), 20_000)),
  metricName: text(200),
});
export type DataPoints = z.infer<typeof dataPoints>;

export const workerReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backends: z.array(z.enum(BACKENDS)) }),
  z.object({ type: z.literal('curves'), id: z.int(), curves }),
  z.object({ type: z.literal('gradcheck'), id: z.int(), result: gradcheck }),
  z.object({ type: z.literal('data'), id: z.int(), data: dataPoints }),
  z.object({
    type: z.literal('backend'),
    id: z.int(),
    backend: z.enum(BACKENDS),
    renderer: text(500),
    reason: text(1000),
    trials: list(trial, 3),
    /** Where a backend's first-batch loss differs from cpu's: said to the user. */
    difference: z.optional(text(1000)),
    /** The backend of an earlier trial, kept. */
    kept: z.optional(z.boolean()),
  }),
  z.object({ type: z.literal('epoch'), id: z.int(), report: epoch }),
  z.object({ type: z.literal('done'), id: z.int(), stopped: z.boolean() }),
  z.object({ type: z.literal('error'), id: z.int(), message: text(5000) }),
]);
export type WorkerReply = z.infer<typeof workerReply>;

/** NaN and ±Infinity → null, so that replies validate and chart.js draws a gap. */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
