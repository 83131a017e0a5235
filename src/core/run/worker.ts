// The child process that runs user losses: tfjs on the wasm backend (cpu where wasm lacks a
// kernel), one file's module evaluated once, its losses' checks run, results sent back. Whatever
// the loss does here (throw, loop, exhaust memory, exit, kill its own process, block in a native
// call) stays here: the runner watches this process and kills it (SIGKILL) on overrun. A process
// serves one file: the runner starts a fresh one for the next.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { runChecks, type CheckOptions } from '../checks';
import { DEFAULT_BATCH, defaultWidth } from '../checks/samples';
import { parseReference } from '../checks/reference';
import { expectedWidth, firstRunnableTask, tagFor, widthName } from '../checks/task-trial';
import type { CheckResult, Task } from '../report';
import { BUNDLE_EXPORTS, BUNDLE_TFJS } from './bundle-names';
import { pickLoss } from './exports';
import { IntrinsicsGuard } from './guard';
import { guardRoots } from './guard-roots';
import { userTfjs } from './user-tfjs';
import { MESSAGE_LIMIT, type CheckJob, type ChildReply, type ChildRequest, type LoadJob } from './protocol';

const MISSING_KERNEL = /not yet implemented or not found in the registry|kernel .* not (registered|found)/i;
let preferred = 'cpu';
// Captured before user code runs: the replies go out through these, whatever the loss replaces.
const send = process.send?.bind(process);
const runInThisContext = vm.runInThisContext;
const apply = Reflect.apply;
/** Put back after every call of the loss, and before each check (see guard-roots.ts). */
let hot: IntrinsicsGuard | undefined;
let cold: IntrinsicsGuard | undefined;
let moduleExports: Record<string, unknown> | undefined;
/** Properties user code replaced and froze: the checks can no longer judge with the originals. */
const stuck: string[] = [];
/** Errors user code threw outside any call (from a timer), for the report. */
const uncaught: string[] = [];

const stdout = process.stdout;
const stderr = process.stderr;
const write = stdout.write;

/**
 * What the loss printed, out of this process's buffers into the pipes, before the reply: the runner
 * may end this process once it has its answer (at most 2 s: a loss may have patched the streams).
 */
async function flushed(): Promise<void> {
  const drained = (stream: NodeJS.WriteStream): Promise<void> => (stream.writableLength > 0 ? new Promise((resolve) => apply(write, stream, ['', () => resolve()])) : Promise.resolve());
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all([drained(stdout), drained(stderr)]), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
}

function post(reply: ChildReply): void {
  void flushed().then(() => send?.(reply));
}

/**
 * Puts back what user code replaced (see guard.ts): the hot objects, or `all` of them; what cannot
 * be put back is kept for the report.
 */
function restore(all = false): void {
  keepStuck(hot?.restore());
  if (all) keepStuck(cold?.restore());
}

function keepStuck(names: string[] | undefined): void {
  for (const name of names ?? []) if (!stuck.includes(name)) stuck.push(name);
}

/** What the module replaced when it loaded: told with each of its losses. */
const replacedAtLoad: string[] = [];

/** What user code replaced since the last call (the names are then forgotten). */
function takeReplaced(): string[] {
  const names = [...(hot?.replaced ?? []), ...(cold?.replaced ?? [])];
  hot?.replaced.clear();
  cold?.replaced.clear();
  return names;
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

/** The module's `tf`: all of @tensorflow/tfjs (user-tfjs.ts), an object of its own. */
let moduleTfjs: Record<string, unknown> | undefined;

function load(job: LoadJob): string | undefined {
  const global = globalThis as Record<string, unknown>;
  moduleTfjs ??= userTfjs(tf as unknown as Record<string, unknown>);
  global[BUNDLE_TFJS] = moduleTfjs;
  global.tf = moduleTfjs; // scripts written for a <script src="tf.min.js"> page use the global tf
  global.require = createRequire(job.file);
  global[BUNDLE_EXPORTS] = undefined;
  try {
    runInThisContext(job.code, { filename: job.file });
    moduleExports = (global[BUNDLE_EXPORTS] ?? {}) as Record<string, unknown>;
    return undefined;
  } catch (error) {
    return `the module throws when it loads: ${describe(error)}`;
  } finally {
    restore(true);
    replacedAtLoad.push(...takeReplaced());
  }
}

type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => unknown;

function resolveLoss(job: CheckJob): Loss | string {
  if (!moduleExports) return 'the module was not loaded';
  let picked;
  try {
    picked = pickLoss(moduleExports, job);
  } finally {
    restore(true); // a factory is user code too
  }
  if (typeof picked === 'string') return picked;
  const loss = picked as Loss;
  // A patch the loss makes lives only while it runs: the checks judge with the originals.
  return function guarded(this: unknown, yTrue: tf.Tensor, yPred: tf.Tensor): unknown {
    try {
      return apply(loss, this, [yTrue, yPred]);
    } finally {
      restore();
    }
  };
}

function describe(error: unknown): string {
  try {
    return (error as Error)?.message ?? String(error);
  } catch {
    return 'an error that cannot be shown';
  }
}

async function check(job: CheckJob): Promise<{ checks: CheckResult[]; backend: string; task: Task }> {
  const loss = resolveLoss(job);
  if (typeof loss === 'string') return { checks: [{ id: 'runs', status: 'fail', message: loss, ms: 0 }], backend: tf.getBackend(), task: job.task };
  const spec = job.reference ? parseReference(job.reference) : undefined;
  const reference = typeof spec === 'object' ? spec : undefined;
  const options: CheckOptions = {
    task: job.task,
    seed: job.seed,
    beforeEach: () => restore(true),
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

/** What the report should say about globals the loss replaced; long messages shortened for the schema. */
function finish(checks: CheckResult[]): CheckResult[] {
  restore(true);
  const runs = checks[0];
  const replaced = [...new Set([...replacedAtLoad, ...takeReplaced()])];
  if (runs?.id === 'runs' && replaced.length > 0) {
    const names = replaced.slice(0, 8).join(', ') + (replaced.length > 8 ? ` and ${replaced.length - 8} more` : '');
    if (stuck.length > 0) {
      runs.status = 'fail';
      runs.message = `the module replaced ${stuck.slice(0, 5).join(', ')} and froze it, so the checks cannot judge with the original: their results are not to be trusted. ${runs.message}`;
    } else {
      runs.message = `${runs.message} (The module replaced ${names}; the checks put the originals back after each call and judge with them.)`;
    }
  }
  if (runs?.id === 'runs' && uncaught.length > 0) {
    runs.message = `${runs.message} (Code of the module threw outside a call, from a timer or a callback: ${uncaught.splice(0).join('; ')}.)`;
  }
  for (const c of checks) if (c.message.length > MESSAGE_LIMIT - 100) c.message = `${c.message.slice(0, MESSAGE_LIMIT - 200)}… (shortened)`;
  return checks;
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

/**
 * One run of the checks on a built-in loss before the process is offered: a fresh process runs
 * tfjs and the checks cold (interpreted, not yet optimised), about twice as slow as a warm one.
 * A spare warms up while the previous file is checked, so the user's loss meets a warm process.
 */
async function warmUp(): Promise<void> {
  const mse = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.mean(tf.squaredDifference(yTrue, yPred), -1);
  try {
    await runChecks(mse, { task: 'regression', seed: 1 });
  } catch {
    // a warm-up only: the real run reports whatever is wrong
  }
}

export interface WorkerHooks {
  /** Told once the warm-up has run, before any user code: worker-entry.ts saves the code cache then. */
  warmedUp?: () => void;
}

/** Started by worker-entry.ts, the process's first code. */
export async function main(hooks: WorkerHooks = {}): Promise<void> {
  // The runner is gone (the editor closed): nothing is waiting for this process.
  process.on('disconnect', () => process.exit(0));
  preferred = await initBackend();
  // tfjs's wasm glue rethrows every uncaught error, which ends the process (exit 7). An error the
  // loss throws outside a call (a timer) is reported with the run instead; an async loss's promise
  // that rejects later is already reported by returns-tensor.
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.on('uncaughtException', (error) => {
    if (uncaught.length < 3) uncaught.push(describe(error));
  });
  process.on('unhandledRejection', () => undefined);
  if (process.argv.includes('--warm-up')) {
    await warmUp();
    hooks.warmedUp?.();
  }
  const roots = guardRoots();
  hot = new IntrinsicsGuard(roots.hot, roots.maps);
  cold = new IntrinsicsGuard(roots.cold);
  process.on('message', (request: ChildRequest) => {
    if (request?.type === 'load') {
      const failed = load(request.job);
      post({ type: 'loaded', run: request.run, ok: failed === undefined, ...(failed === undefined ? {} : { message: failed.slice(0, MESSAGE_LIMIT - 100) }) });
    } else if (request?.type === 'check') {
      check(request.job).then(
        ({ checks, backend, task }) => post({ type: 'checks', run: request.run, checks: finish(checks), backend, task }),
        (error: unknown) => post({ type: 'error', run: request.run, message: describe(error).slice(0, MESSAGE_LIMIT - 100) }),
      );
    }
  });
  post({ type: 'ready', backend: preferred });
}
