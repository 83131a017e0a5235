// The panel's Web Worker: the only place in the browser where the user's bundled loss runs. The
// page builds this script's blob with the loss module appended (see webview/loss-worker.ts), so
// the module evaluates right after this file, against our tfjs, and writes its exports to a global.
// A loss that loops or exhausts memory freezes this worker alone: the page times requests out and
// replaces the worker.
import * as tf from '@tensorflow/tfjs';
import { checkGradient, releaseTape } from '../../src/core/checks/gradcheck';
import { callLoss, missingGradientKernel } from '../../src/core/checks/context';
import { samplesFor, toTensor } from '../../src/core/checks/samples';
import { referenceLoss } from '../../src/core/checks/reference';
import { BUNDLE_EXPORTS, BUNDLE_TFJS } from '../../src/core/run/bundle-names';
import { pickLoss } from '../../src/core/run/exports';
import type { Backend } from '../../src/protocol';
import { chooseBackend, rendererOf, useBackend, type Choice, type WasmFiles } from './backends';
import { computeCurves, type AnyLoss } from './curves';
import { makeDataset, type Dataset } from './datasets';
import { finiteOrNull, workerRequest, type LossRef, type WorkerReply, type WorkerRequest } from './protocol';
import { METRIC_NAME, TrainingRun, type LossFn } from './train';

/** Set by the page in the blob, before this script: the worker's role and the .wasm files. */
interface WorkerConfig {
  role: 'curves' | 'training';
  wasm?: WasmFiles;
  loadError?: string;
}

const scope = globalThis as unknown as { postMessage(message: WorkerReply): void; onmessage: ((event: MessageEvent) => void) | null } & Record<string, unknown>;
scope[BUNDLE_TFJS] = tf;
scope.tf = tf; // scripts written for a <script src="tf.min.js"> page use the global tf
const config = (scope.__lossLabWorkerConfig ?? { role: 'curves' }) as WorkerConfig;
const failures = new Map<Backend, string>();
const stopped = new Set<number>();
let training: Promise<unknown> = Promise.resolve();

const post = (reply: WorkerReply): void => scope.postMessage(reply);
/** An error's message, short enough for a reply (a loss may throw anything, of any length). */
const messageOf = (error: unknown): string => String((error as Error)?.message ?? error).slice(0, 4000);

function resolveLoss(ref: LossRef): AnyLoss {
  // The loss module's own load error (caught by the try around it in the blob).
  const loadError = scope.__lossLabLoadError;
  if (loadError !== undefined) throw new Error(`the module throws when it loads: ${String(loadError)}`);
  const exports = (scope[BUNDLE_EXPORTS] ?? {}) as Record<string, unknown>;
  const args = ref.args.map((a) => (a === null ? undefined : a));
  const loss = pickLoss(exports, { exportName: ref.exportName, kind: ref.kind, factoryArgs: args });
  if (typeof loss === 'string') throw new Error(loss);
  return loss as AnyLoss;
}

function gradcheck(request: Extract<WorkerRequest, { type: 'gradcheck' }>): WorkerReply {
  const started = performance.now();
  const loss = resolveLoss(request.loss);
  const pair = samplesFor(request.task, { seed: request.seed }).typical;
  const [yTrue, yPred] = [toTensor(pair.yTrue), toTensor(pair.yPred)];
  try {
    const result = checkGradient((t, p) => callLoss(loss, { yTrue: t, yPred: p }), yTrue, yPred);
    // Batched over a segmentation mask the check may cover thousands of elements: the view shows the
    // ones that need attention first, up to what a reply may carry.
    const shown = [...result.elements].sort((a, b) => attention(a.verdict) - attention(b.verdict)).slice(0, MAX_SHOWN);
    const elements = shown.map((e) => ({ index: e.index, autodiff: finiteOrNull(e.autodiff), numeric: finiteOrNull(e.numeric), ratio: finiteOrNull(e.ratio), verdict: e.verdict }));
    const view = { status: result.status, message: result.message, elements, total: result.elements.length, evaluations: result.evaluations, batched: result.batched, backend: tf.getBackend(), ms: performance.now() - started };
    return { type: 'gradcheck', id: request.id, result: view };
  } catch (error) {
    releaseTape();
    const kernel = missingGradientKernel(error);
    const message = kernel ? `tfjs has no gradient for ${kernel} on the path from yPred: model.fit would throw` : messageOf(error);
    return { type: 'gradcheck', id: request.id, result: { status: 'fail', message, elements: [], total: 0, evaluations: 0, batched: false, backend: tf.getBackend(), ms: performance.now() - started } };
  } finally {
    yTrue.dispose();
    yPred.dispose();
  }
}

/** The per-element view's limit (the reply's schema allows 1024). */
const MAX_SHOWN = 1024;
const attention = (verdict: string): number => (verdict === 'fail' ? 0 : verdict === 'pass' ? 2 : 1);

const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** How many epochs the backend trial times after one warm-up epoch (shader compilation, wasm start). */
const TIMED_EPOCHS = 2;

async function train(request: Extract<WorkerRequest, { type: 'train' }>): Promise<void> {
  const user = resolveLoss(request.loss) as LossFn;
  const baseline = referenceLoss(request.baseline);
  const dataset = makeDataset(request.dataset, { seed: request.seed, labels: request.labels });
  const newRun = (): TrainingRun => new TrainingRun({ dataset, userLoss: user, baselineLoss: baseline, seed: request.seed });
  post({ type: 'data', id: request.id, data: pointsOf(dataset) });

  // Once, before any backend is timed: a loss that cannot train fails here with one message, not once per backend.
  const problem = await trainingProblem(newRun);
  if (problem) return post({ type: 'error', id: request.id, message: problem });

  const choice = (request.backend === 'auto' && request.kept ? await keep(request.kept) : undefined) ??
    (await chooseBackend(request.backend, config.wasm, async () => {
      if (stopped.has(request.id)) throw new Error('stopped');
      const run = newRun();
      try {
        const firstLoss = await run.firstBatchLoss();
        await run.runEpoch();
        let ms = 0;
        // The same measure as the run's progress: runEpoch's own wall time.
        for (let i = 0; i < TIMED_EPOCHS; i++) ms += (await run.runEpoch()).ms;
        return { msPerEpoch: ms / TIMED_EPOCHS, firstLoss };
      } finally {
        run.dispose();
      }
    }));
  if (stopped.has(request.id)) {
    stopped.delete(request.id);
    return post({ type: 'done', id: request.id, stopped: true });
  }
  post({
    type: 'backend',
    id: request.id,
    backend: choice.backend,
    renderer: rendererOf(choice.backend),
    reason: choice.reason,
    trials: choice.trials,
    ...(choice.difference ? { difference: choice.difference } : {}),
    ...(choice.kept ? { kept: true } : {}),
  });

  const run = newRun();
  try {
    for (let epoch = 1; epoch <= request.epochs && !stopped.has(request.id); epoch++) {
      const report = await run.runEpoch();
      post({
        type: 'epoch',
        id: request.id,
        report: {
          epoch: report.epoch,
          ms: report.ms,
          user: { loss: finiteOrNull(report.user.loss), metric: finiteOrNull(report.user.metric) },
          baseline: { loss: finiteOrNull(report.baseline.loss), metric: finiteOrNull(report.baseline.metric) },
          grid: { ...report.grid, user: report.grid.user.map(finiteOrNull), baseline: report.grid.baseline.map(finiteOrNull) },
        },
      });
      await nextTurn(); // lets a 'stop' message in
    }
    post({ type: 'done', id: request.id, stopped: stopped.has(request.id) });
  } finally {
    run.dispose();
    stopped.delete(request.id);
  }
}

/** An earlier trial's backend, if it still starts (else the caller times them again). */
async function keep(kept: { backend: Backend; reason: string }): Promise<Choice | undefined> {
  if (!(await useBackend(kept.backend, config.wasm, failures))) return undefined;
  return { backend: kept.backend, reason: kept.reason, trials: [], kept: true };
}

/** Why the user's loss cannot train (no gradient, or it throws), from one epoch on cpu; undefined when it can. */
async function trainingProblem(newRun: () => TrainingRun): Promise<string | undefined> {
  await useBackend('cpu', config.wasm, failures);
  const run = newRun();
  try {
    await run.runEpoch();
    return undefined;
  } catch (error) {
    if (/^the baseline: /.test(messageOf(error))) throw error;
    const kernel = missingGradientKernel(error);
    if (kernel) return `Your loss cannot train: tfjs has no gradient for ${kernel} on the path from yPred, so model.fit would throw. The gradient check above shows where.`;
    const message = messageOf(error).replace(/^your loss: /, '').replace(/[.\s]+$/, '');
    return `Your loss cannot train: it throws during training (${message}).`;
  } finally {
    run.dispose();
  }
}

function pointsOf(d: Dataset): Extract<WorkerReply, { type: 'data' }>['data'] {
  return { x: Array.from(d.x), features: d.features, y: Array.from(d.y), outputs: d.outputs, ...(d.inlier ? { inlier: Array.from(d.inlier) } : {}), metricName: METRIC_NAME[d.labelFormat] };
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'curves':
      return post({ type: 'curves', id: request.id, curves: computeCurves(resolveLoss(request.loss), request.task) });
    case 'gradcheck':
      return post(gradcheck(request));
    case 'train': {
      // One run at a time: runs switch tfjs's global backend. A new run waits for the one before,
      // which the page has asked to stop.
      const previous = training;
      const run = previous.then(() => train(request));
      training = run.catch(() => undefined);
      return run;
    }
    case 'stop':
      stopped.add(request.id);
      return;
  }
}

/** Backends started before any request runs; requests that arrive earlier wait for it, none is dropped. */
async function start(): Promise<void> {
  // Curves and gradient checks make hundreds of calls on one-element tensors and read each back: a
  // CPU backend (DESIGN.md: "gradient checks belong on cpu or wasm"), and of the two the plain cpu
  // one, whose per-call cost is lower on such tiny tensors (npm run bench: a slider redraw took
  // 44 ms on cpu against 61 ms on wasm). Training picks its backend per run (chooseBackend).
  await useBackend('cpu', config.wasm, failures);
  const available = (['webgl', 'wasm', 'cpu'] as const).filter((b) => tf.findBackendFactory(b) !== null && !failures.has(b));
  post({ type: 'ready', backends: available });
}

const started = start();
scope.onmessage = (event: MessageEvent) => {
  const parsed = workerRequest.safeParse(event.data);
  if (!parsed.success) return; // only the page talks to us, and it sends valid requests
  if (parsed.data.type === 'stop') stopped.add(parsed.data.id); // at once, even while a run awaits
  void started
    .then(() => handle(parsed.data))
    .catch((error: unknown) => post({ type: 'error', id: parsed.data.id, message: messageOf(error) }));
};
