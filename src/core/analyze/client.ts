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

type Pending = { resolve: (reply: AnalysisReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
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
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private request(body: Body<AnalysisRequest>): Promise<AnalysisReply> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(worker, new AnalysisStopped(`the analysis took over ${this.limits.timeoutMs / 1000} s and was stopped`));
      }, this.limits.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...body, id });
    });
  }

  /** Fails every waiting request with `error` and drops the worker; the next request starts another. */
  private stop(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    for (const [, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const { heapMb, stackMb } = this.limits;
    const worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: heapMb, stackSizeMb: stackMb } });
    worker.on('message', (reply: AnalysisReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      clearTimeout(waiting.timer);
      this.pending.delete(reply.id);
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
