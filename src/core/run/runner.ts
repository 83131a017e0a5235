// Runs the checks of a loss in a worker thread with a time and a memory limit. One warm worker is
// kept for the next run (tfjs and the module stay loaded); on overrun, a crash or process.exit it
// is terminated and replaced, and the run gets a failed check that says what happened.
import { Worker } from 'worker_threads';
import { findBuilt } from '../built-files';
import type { CheckResult, Task } from '../report';
import type { CheckJob, WorkerReply } from './protocol';

export interface RunnerOptions {
  /** Default time limit of a run (checks of one loss), in ms. */
  timeoutMs?: number;
  /** Heap limit of the worker, in MB. */
  memoryMb?: number;
  /** The built worker script; found next to this bundle or in dist/ by default. */
  workerFile?: string;
}

export interface RunOutcome {
  checks: CheckResult[];
  /** The tfjs backend the checks ran on. */
  backend?: string;
  /** The task preset the checks ran with, when the worker chose another than the job's. */
  task?: Task;
  ms: number;
}

const START_LIMIT_MS = 60_000;

interface Live {
  worker: Worker;
  ready: Promise<string>;
  output: string[];
}

export class LossRunner {
  private live: Live | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private readonly workerFile: string;

  constructor(options: RunnerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.memoryMb = options.memoryMb ?? 512;
    this.workerFile = options.workerFile ?? findBuilt('worker.js');
  }

  /** Runs the checks of one loss; runs are queued, one at a time. */
  run(job: CheckJob, timeoutMs = this.timeoutMs): Promise<RunOutcome> {
    const next = this.queue.then(() => this.runNow(job, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the worker ahead of the first run (tfjs takes a moment to load). */
  warmUp(): Promise<string> {
    return this.ensureWorker().ready;
  }

  async dispose(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (live) await live.worker.terminate();
  }

  private ensureWorker(): Live {
    if (this.live) return this.live;
    const worker = new Worker(this.workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: Math.min(64, this.memoryMb / 4) },
      // The loss's console output and tfjs's banner must not mix into the caller's stdout (JSON).
      stdout: true,
      stderr: true,
    });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (output.length > 50) output.splice(0, output.length - 50);
    };
    worker.stdout.on('data', keep);
    worker.stderr.on('data', keep);
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the check worker did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      timer.unref();
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          clearTimeout(timer);
          resolve(reply.backend);
        }
      });
      worker.once('error', (error) => reject(error));
      worker.once('exit', (code) => reject(new Error(`the check worker stopped while starting (exit ${code})`)));
    });
    ready.catch(() => undefined);
    const live = { worker, ready, output };
    worker.once('exit', () => {
      if (this.live === live) this.live = undefined;
    });
    this.live = live;
    return live;
  }

  private async runNow(job: CheckJob, timeoutMs: number): Promise<RunOutcome> {
    const live = this.ensureWorker();
    try {
      await live.ready;
    } catch (error) {
      this.live = undefined;
      void live.worker.terminate();
      return { checks: [failure('runs', `the check worker could not start: ${(error as Error).message}`)], ms: 0 };
    }
    const id = this.nextId++;
    const started = performance.now();
    const outcome = await new Promise<RunOutcome>((resolve) => {
      const finish = (value: Omit<RunOutcome, 'ms'>): void => {
        clearTimeout(timer);
        live.worker.off('message', onMessage);
        live.worker.off('error', onError);
        live.worker.off('exit', onExit);
        resolve({ ...value, ms: performance.now() - started });
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.type === 'checks' && reply.id === id) finish({ checks: reply.checks, backend: reply.backend, ...(reply.task ? { task: reply.task } : {}) });
        else if (reply.type === 'error' && reply.id === id) finish({ checks: [failure('runs', `the check worker failed: ${reply.message}`)] });
      };
      const onError = (error: Error & { code?: string }): void => {
        const message =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the loss ran out of memory (the limit is ${this.memoryMb} MB): a huge tensor or an endless array?`
            : `the loss crashed the check worker: ${error.message}`;
        this.replace(live);
        finish({ checks: [failure('runs', message)] });
      };
      const onExit = (code: number): void => {
        this.replace(live);
        finish({ checks: [failure('runs', `the loss ended the check worker (exit code ${code}): does it call process.exit?`)] });
      };
      const timer = setTimeout(() => {
        this.replace(live);
        finish({
          checks: [failure('timeout', `the run took longer than ${timeoutMs} ms and was stopped: an endless loop, or a loss too slow to train with?`)],
        });
      }, timeoutMs);
      live.worker.on('message', onMessage);
      live.worker.once('error', onError);
      live.worker.once('exit', onExit);
      live.worker.postMessage({ type: 'check', id, job });
    });
    if (!outcome.checks.some((c) => c.id === 'timeout')) {
      outcome.checks.push({ id: 'timeout', status: 'pass', message: `the run took ${Math.round(outcome.ms)} ms of the ${timeoutMs} ms allowed`, value: outcome.ms, ms: 0 });
    }
    return outcome;
  }

  /** Drops a worker that overran or died; the next run starts a fresh one. */
  private replace(live: Live): void {
    if (this.live === live) this.live = undefined;
    void live.worker.terminate();
  }
}

function failure(id: CheckResult['id'], message: string): CheckResult {
  return { id, status: 'fail', message, ms: 0 };
}
