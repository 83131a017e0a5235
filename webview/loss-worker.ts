// The page's handle on a Web Worker that runs the user's loss. The worker is a blob of our worker
// script with the bundled loss module after it (a webview may not start a worker from its resource
// origin, and the CSP allows workers from blob: only); requests have ids and a time limit, replies
// are validated, and a worker that overruns is terminated and started again.
import { workerReply, type WorkerReply, type WorkerRequest } from './worker/protocol';
import type { WasmFiles } from './worker/backends';
import { parseMessage } from '../src/protocol';

export type Role = 'curves' | 'training';
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface WorkerSource {
  /** Our worker script's text. */
  script: string;
  wasm?: WasmFiles;
}

interface Pending {
  onReply: (reply: WorkerReply) => boolean;
  fail: (message: string) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The longest wait for the next reply: a request that streams (training) restarts it with each. */
  timeoutMs: number | undefined;
}

export class LossWorker {
  private worker: Worker | undefined;
  private url: string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(
    private readonly source: WorkerSource,
    private readonly role: Role,
    private readonly code: string,
    private readonly log: (level: 'warn' | 'error', message: string) => void,
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const config = { role: this.role, wasm: this.source.wasm };
    // The module runs in a try of its own: a throw while it loads is reported per request, it does not kill the worker.
    const blob = new Blob(
      [
        `globalThis.__lossLabWorkerConfig = ${JSON.stringify(config)};\n`,
        this.source.script,
        `\n;try {\n${this.code}\n} catch (error) { globalThis.__lossLabLoadError = (error && error.message) || String(error); }\n`,
      ],
      { type: 'text/javascript' },
    );
    this.url = URL.createObjectURL(blob);
    const worker = new Worker(this.url, { name: `loss-lab-${this.role}` });
    worker.onmessage = (event: MessageEvent) => this.receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.failAll(`the worker stopped: ${event.message || 'an error outside any request'}`);
    };
    this.worker = worker;
    return worker;
  }

  private receive(data: unknown): void {
    const parsed = parseMessage(workerReply, data);
    if (!parsed.ok) {
      this.log('warn', `worker: ${parsed.error}`);
      // A reply we cannot use still says which request it answers: fail that one now, not at its time limit.
      const id = (data as { id?: unknown } | null)?.id;
      const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (pending && typeof id === 'number') {
        this.settle(id);
        pending.fail(`the worker's reply was not understood (${parsed.error})`);
      }
      return;
    }
    const reply = parsed.message;
    if (reply.type === 'ready') return;
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'error') {
      this.settle(reply.id);
      return pending.fail(reply.message);
    }
    let last: boolean;
    try {
      last = pending.onReply(reply);
    } catch (error) {
      // A view that cannot show a reply ends its request with the reason, rather than leaving it hanging.
      this.settle(reply.id);
      this.log('error', `the panel could not show a '${reply.type}' reply: ${(error as Error)?.message ?? String(error)}`);
      return pending.fail(`the panel could not show the result: ${(error as Error)?.message ?? String(error)}`);
    }
    if (last) return this.settle(reply.id);
    if (pending.timer && pending.timeoutMs !== undefined) {
      clearTimeout(pending.timer);
      pending.timer = this.watch(reply.id, pending.timeoutMs);
    }
  }

  private watch(id: number, timeoutMs: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.overrun(id, timeoutMs), timeoutMs);
  }

  private settle(id: number): void {
    const pending = this.pending.get(id);
    if (pending?.timer) clearTimeout(pending.timer);
    this.pending.delete(id);
  }

  /** Sends a request; `onReply` sees each reply to it and returns true on the last one; `timeoutMs` bounds the wait for each reply. */
  request(request: Request, onReply: (reply: WorkerReply) => boolean, fail: (message: string) => void, timeoutMs: number | undefined): number {
    const id = this.nextId++;
    if (this.disposed) {
      // A replaced worker never starts again: its loss is not the current one.
      queueMicrotask(() => fail('the loss changed before this started'));
      return id;
    }
    const timer = timeoutMs === undefined ? undefined : this.watch(id, timeoutMs);
    this.pending.set(id, { onReply, fail, timer, timeoutMs });
    this.start().postMessage({ ...request, id });
    return id;
  }

  /** One reply: resolves with the reply of the expected type. */
  ask<T extends WorkerReply['type']>(request: Request, type: T, timeoutMs: number): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.request(
        request,
        (reply) => {
          if (reply.type !== type) return false;
          resolve(reply as Extract<WorkerReply, { type: T }>);
          return true;
        },
        (message) => reject(new Error(message)),
        timeoutMs,
      );
    });
  }

  /** Asks a running request to stop at its next step (training stops between epochs). */
  stop(id: number): void {
    this.worker?.postMessage({ type: 'stop', id });
  }

  /** A loss that runs too long may be in an endless loop: the worker cannot be interrupted, only replaced. */
  private overrun(id: number, timeoutMs: number): void {
    if (!this.pending.has(id)) return;
    this.failAll(`stopped after ${timeoutMs} ms without an answer: does the loss loop forever? (lossLab.timeoutMs)`);
  }

  private failAll(message: string): void {
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.terminate();
    for (const p of failed) {
      if (p.timer) clearTimeout(p.timer);
      p.fail(message);
    }
  }

  private terminate(): void {
    this.worker?.terminate();
    this.worker = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  /** Ends the worker; requests still waiting fail (their callers may hold a lock until they settle). */
  dispose(): void {
    this.disposed = true;
    this.failAll('the loss changed before this finished');
  }
}
