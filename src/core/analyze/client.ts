// Talks to the analysis worker (worker.ts): started on first use, restarted if it dies.
import { Worker } from 'worker_threads';
import { findBuilt } from '../built-files';
import type { AnalyzeOptions, FileAnalysis } from '.';
import type { Fix } from '../fixes';
import type { Diagnostic } from '../report';
import type { AnalysisReply, AnalysisRequest } from './worker';

type Pending = { resolve: (reply: AnalysisReply) => void; reject: (e: Error) => void };
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

export class AnalysisClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerFile = findBuilt('analysis-worker.js')) {}

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
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id });
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile);
    worker.on('message', (reply: AnalysisReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      waiting.resolve(reply);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [, waiting] of this.pending) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the analysis worker stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}
