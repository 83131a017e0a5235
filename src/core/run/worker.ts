// The worker thread that runs user losses: tfjs on the wasm backend (cpu where wasm lacks a
// kernel), the bundled module evaluated once per version, the checks run, results posted back.
// Whatever the loss does here (throw, loop, exhaust memory, process.exit) stays here: the runner
// watches this thread and replaces it.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { parentPort } from 'worker_threads';
import { runChecks, type CheckOptions } from '../checks';
import { DEFAULT_BATCH, defaultWidth } from '../checks/samples';
import { parseReference } from '../checks/reference';
import { expectedWidth, firstRunnableTask, tagFor, widthName } from '../checks/task-trial';
import type { CheckResult, Task } from '../report';
import { BUNDLE_EXPORTS, BUNDLE_TFJS } from './bundle-names';
import { pickLoss } from './exports';
import type { CheckJob, WorkerReply, WorkerRequest } from './protocol';

const MISSING_KERNEL = /not yet implemented or not found in the registry|kernel .* not (registered|found)/i;
const modules = new Map<string, Record<string, unknown>>();
let preferred = 'cpu';

function post(reply: WorkerReply): void {
  parentPort?.postMessage(reply);
}

async function initBackend(): Promise<string> {
  // wasm evaluates losses 5–30× faster than cpu here (DESIGN.md); its .wasm files sit next to us.
  try {
    setWasmPaths(`${path.join(__dirname, 'wasm')}${path.sep}`);
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  } catch {
    // no wasm here: the cpu backend below is the fallback, and the result says which ran
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

function loadModule(job: CheckJob): Record<string, unknown> {
  const cached = modules.get(job.code);
  if (cached) return cached;
  const global = globalThis as Record<string, unknown>;
  global[BUNDLE_TFJS] = tf;
  global.tf = tf; // scripts written for a <script src="tf.min.js"> page use the global tf
  global.require = createRequire(job.file);
  global[BUNDLE_EXPORTS] = undefined;
  vm.runInThisContext(job.code, { filename: job.file });
  const exports = (global[BUNDLE_EXPORTS] ?? {}) as Record<string, unknown>;
  if (modules.size > 20) modules.clear();
  modules.set(job.code, exports);
  return exports;
}

type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => unknown;

function resolveLoss(job: CheckJob): Loss | string {
  let exports: Record<string, unknown>;
  try {
    exports = loadModule(job);
  } catch (error) {
    return `the module throws when it loads: ${(error as Error)?.message ?? String(error)}`;
  }
  return pickLoss(exports, job) as Loss | string;
}

async function check(job: CheckJob): Promise<{ checks: CheckResult[]; backend: string; task: Task }> {
  const loss = resolveLoss(job);
  if (typeof loss === 'string') return { checks: [{ id: 'runs', status: 'fail', message: loss, ms: 0 }], backend: tf.getBackend(), task: job.task };
  const spec = job.reference ? parseReference(job.reference) : undefined;
  const reference = typeof spec === 'object' ? spec : undefined;
  const options: CheckOptions = {
    task: job.task,
    seed: job.seed,
    ...(job.batch ? { batch: job.batch } : {}),
    ...(job.width ? { width: job.width } : {}),
    ...(reference ? { reference } : {}),
  };
  const outcome = await checksOnSomeTask(loss, job, options);
  let checks = outcome.checks;
  if (tf.getBackend() !== 'cpu' && checks.some((c) => MISSING_KERNEL.test(c.message))) {
    // wasm lacks some kernels (UnsortedSegmentSum for the gradient of gather, Einsum…): run on cpu.
    await tf.setBackend('cpu');
    try {
      checks = await runChecks(loss, { ...options, task: outcome.task });
      const runs = checks[0];
      if (runs && outcome.note) runs.message = `${outcome.note} ${runs.message}`;
    } finally {
      await tf.setBackend(preferred);
    }
    return { checks, backend: 'cpu', task: outcome.task };
  }
  return { checks, backend: tf.getBackend(), task: outcome.task };
}

/**
 * The checks on the job's task; when the loss does not run there: on the first other preset it runs
 * on if `auto` chose the task, else with a hint at the width it expects.
 */
async function checksOnSomeTask(loss: Loss, job: CheckJob, options: CheckOptions): Promise<{ checks: CheckResult[]; task: Task; note?: string }> {
  const checks = await runChecks(loss, options);
  const runs = checks[0];
  if (!runs || runs.id !== 'runs' || runs.status !== 'fail') return { checks, task: job.task };
  const trial = { seed: job.seed, ...(job.batch ? { batch: job.batch } : {}), ...(job.width ? { width: job.width } : {}) };
  if (job.autoTask) {
    const other = firstRunnableTask(loss, job.task, trial);
    if (other) {
      const { width: _width, ...rest } = options;
      const retried = await runChecks(loss, { ...rest, task: other });
      const note = `auto chose ${job.task} from the loss's ops, but the loss throws on those samples; it runs on ${other} samples, so it is checked as ${other} (a @lossTask tag chooses).`;
      const first = retried[0];
      if (first) first.message = `${note} ${first.message}`;
      return { checks: retried, task: other, note };
    }
  }
  const width = expectedWidth(loss, job.task, trial);
  if (width !== undefined) {
    const batch = job.batch ?? DEFAULT_BATCH;
    runs.message =
      `${runs.message.replace(/\.+$/, '')}. It runs with ${width} ${widthName(job.task)} instead of ${job.width ?? defaultWidth(job.task)}: the loss expects yPred [${batch}, ${width}]. ` +
      `Set the sample shape with ${tagFor(job.task, batch === width ? batch + 1 : batch, width)} above the loss.`;
  }
  return { checks, task: job.task };
}

async function main(): Promise<void> {
  // An async loss's promise that rejects later: returns-tensor already reports the Promise.
  process.on('unhandledRejection', () => undefined);
  preferred = await initBackend();
  parentPort?.on('message', (request: WorkerRequest) => {
    if (request?.type !== 'check') return;
    check(request.job).then(
      ({ checks, backend, task }) => post({ type: 'checks', id: request.id, checks, backend, task }),
      (error: unknown) => post({ type: 'error', id: request.id, message: (error as Error)?.message ?? String(error) }),
    );
  });
  post({ type: 'ready', backend: preferred });
}

void main();
