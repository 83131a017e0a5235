// Talks to the analysis worker (worker.ts): started on first use, restarted if it dies. The worker
// analyses files of untrusted folders too, so it runs with a heap limit, a larger stack (TypeScript
// recurses per level of the syntax tree) and a time limit per request; past either limit it is
// stopped, the request fails with AnalysisStopped, and the next request starts a fresh worker.
import { Worker } from 'worker_threads';
import { findBuilt } from '../built-files';
import type { AnalyzeOptions, FileAnalysis } from '.';
import type { Fix } from '../fixes';
import type { Diagnostic } from '../report';
import type { AnalysisReply, AnalysisRequest } from './worker';

type Pending = { resolve: (reply: AnalysisReply) => void; reject: (e: Error) => void };
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

export interface AnalysisLimits {
  /** V8 heap of the worker. TypeScript with tfjs's declarations needs about 150 MB. */
  heapMb: number;
  /** Stack of the worker's thread. */
  stackMb: number;
  /** Time for one request. A 1 MB file is type-checked in a few seconds here. */
  timeoutMs: number;
}

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { heapMb: 1024, stackMb: 16, timeoutMs: 30_000 };

/** A request that overran the worker's limits: the worker was stopped and will be replaced. */
export class AnalysisStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisStopped';
  }
}

export class AnalysisClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The time limit of the request the worker is on: requests queue in the worker, so it restarts with each reply. */
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly workerFile = findBuilt('analysis-worker.js'),
    private readonly limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS,
  ) {}

  async analyze(file: string, text: string, options: AnalyzeOptions = {}): Promise<FileAnalysis> {
    const reply = await this.request({ kind: 'analyze', file, text, options });
    if ('analysis' in reply) return reply.analysis;
    throw new Error('error' in reply ? reply.error : 'unexpected reply');
  }

  async fixes(file: string, text: string, diagnostic: Diagnostic): Promise<Fix[]> {
    const reply = await this.request({ kind: 'fixes', file, text, diagnostic });
    if ('fixes' in reply) return reply.fixes;
    throw new Error('error' in reply ? reply.error : 'unexpected reply');
  }

  dispose(): void {
    clearTimeout(this.watchdog);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private request(body: Body<AnalysisRequest>): Promise<AnalysisReply> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.arm(worker);
      worker.postMessage({ ...body, id });
    });
  }

  private arm(worker: Worker): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.stop(worker, new AnalysisStopped(`the analysis took over ${this.limits.timeoutMs / 1000} s and was stopped`));
    }, this.limits.timeoutMs);
  }

  /** Fails every waiting request with `error` and drops the worker; the next request starts another. */
  private stop(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    clearTimeout(this.watchdog);
    for (const [, waiting] of this.pending) waiting.reject(error);
    this.pending.clear();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const { heapMb, stackMb } = this.limits;
    const worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: heapMb, stackSizeMb: stackMb } });
    worker.on('message', (reply: AnalysisReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size > 0) this.arm(worker);
      else clearTimeout(this.watchdog);
      waiting.resolve(reply);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.stop(worker, outOfMemory ? new AnalysisStopped(`the analysis ran out of its ${heapMb} MB of memory and was stopped`) : error);
    });
    worker.on('exit', (code) => this.stop(worker, new Error(`the analysis worker stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}
