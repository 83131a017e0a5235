// broadcast: a kernel inside the loss broadcasts the batch axis against a tensor of another rank,
// as `tf.sub(yTrueOfShapeN, yPredOfShapeNBy1)` does: [N] with [N, 1] gives [N, N], every prediction
// meets every label, and a tf.mean afterwards hides it from the shape check. Seen through a hook on
// tfjs's engine (the kernels the loss runs, with their input tensors), on one call of the loss.
import * as tf from '@tensorflow/tfjs';
import { ownPatches } from './own-patches';
import type { CheckResult } from '../report';
import { callLoss, result, type CheckContext } from './context';

type Outcome = Omit<CheckResult, 'ms'>;

/** Element-wise kernels that broadcast their inputs against each other (tfjs's own kernel names). */
const BROADCASTING = new Set<string>([
  tf.Add, tf.Sub, tf.Multiply, tf.RealDiv, tf.FloorDiv, tf.Mod, tf.Pow, tf.SquaredDifference, tf.Maximum, tf.Minimum, tf.Atan2, tf.Prelu,
  tf.Equal, tf.NotEqual, tf.Less, tf.LessEqual, tf.Greater, tf.GreaterEqual, tf.LogicalAnd, tf.LogicalOr, tf.LogicalXor, tf.Select,
]);

interface Finding {
  kernel: string;
  shapes: number[][];
  output: number[];
}

type RunKernel = (kernelName: string, inputs: Record<string, tf.Tensor>, attrs?: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

export function checkBroadcast(ctx: CheckContext): Outcome {
  const batch = ctx.batch;
  if (batch < 2) return result('broadcast', 'skip', 'a batch of one cannot show broadcasting across samples');
  const finding = watchKernels(batch, () => tf.tidy(() => void callLoss(ctx.loss, ctx.typical)));
  if (!finding) return result('broadcast', 'pass', `no kernel broadcasts the batch axis (${batch}) against a tensor of another rank`);
  const shapes = finding.shapes.map((s) => `[${s.join(', ')}]`);
  const list = shapes.length === 2 ? `${shapes[0]} and ${shapes[1]}` : shapes.join(', ');
  return result(
    'broadcast',
    'fail',
    `${finding.kernel === tf.Select ? 'Select (tf.where)' : finding.kernel} broadcasts ${list} to [${finding.output.join(', ')}]: every prediction meets every label. ` +
      'Give both the same rank first (tf.reshape(x, [-1]) or tf.squeeze on the [N, 1] one, or tf.expandDims on the [N] one).',
  );
}

/** Runs `run` with a hook on the engine's kernels; the first batch-axis broadcast it sees, if any. */
export function watchKernels(batch: number, run: () => void): Finding | undefined {
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  const original = engine.runKernel;
  const hadOwn = Object.hasOwn(engine, 'runKernel');
  // tfjs's where() broadcasts its inputs itself (Reshape with leading 1s, then Tile) before Select:
  // remember the shape each such tensor had before, by tensor id.
  const origin = new Map<number, number[]>();
  let found: Finding | undefined;
  const hook: RunKernel = function (this: unknown, kernelName, inputs, attrs) {
    const out = original.call(this, kernelName, inputs, attrs);
    if (found) return out;
    const tensors = Object.values(inputs ?? {}).filter((t): t is tf.Tensor => t instanceof tf.Tensor);
    const first = Array.isArray(out) ? out[0] : out;
    if (!first || tensors.length === 0) return out;
    const before = (t: tf.Tensor): number[] => origin.get(t.id) ?? t.shape;
    if (kernelName === tf.Reshape && addsLeadingOnes(tensors[0]?.shape ?? [], first.shape)) origin.set(first.id, before(tensors[0] as tf.Tensor));
    else if ((kernelName === tf.Tile || kernelName === tf.BroadcastTo) && tilesOnlyOnes(tensors[0]?.shape ?? [], attrs?.reps)) origin.set(first.id, before(tensors[0] as tf.Tensor));
    else if (BROADCASTING.has(kernelName)) {
      const shapes = tensors.map((t) => (kernelName === tf.Select ? before(t) : t.shape));
      if (batchMeetsBatch(shapes, first.shape, batch)) found = { kernel: kernelName, shapes, output: first.shape };
    }
    return out;
  };
  ownPatches.add(hook);
  engine.runKernel = hook;
  try {
    run();
  } finally {
    if (hadOwn) engine.runKernel = original;
    else delete (engine as Partial<typeof engine>).runKernel;
    ownPatches.delete(hook);
  }
  return found;
}

/** A Tile that only repeats axes of size 1: broadcastTo's, inside tf.where. */
function tilesOnlyOnes(shape: number[], reps: unknown): boolean {
  return Array.isArray(reps) && reps.length === shape.length && reps.every((r, i) => r === 1 || shape[i] === 1);
}

function addsLeadingOnes(from: number[], to: number[]): boolean {
  const extra = to.length - from.length;
  return extra > 0 && to.slice(0, extra).every((d) => d === 1) && from.every((d, i) => d === to[i + extra]);
}

/**
 * Two inputs of different ranks, both with the batch size on their first axis, where the lower
 * one's batch axis lands (aligned from the right) on an axis of size 1 in the higher one: the
 * output then pairs every sample with every sample.
 */
export function batchMeetsBatch(shapes: number[][], output: number[], batch: number): boolean {
  for (const low of shapes) {
    for (const high of shapes) {
      if (low.length >= high.length || low[0] !== batch || high[0] !== batch) continue;
      const at = high.length - low.length;
      if (high[at] === 1 && output[output.length - low.length] === batch) return true;
    }
  }
  return false;
}
