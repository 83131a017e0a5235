// Bundling a loss off the caller's thread. In the editor the bundler is esbuild's WebAssembly build,
// which runs in the thread that calls it: hundreds of milliseconds per bundle (seconds for the
// first) would stall the extension host. So the extension bundles in a worker thread of its own
// (bundler-main.ts), started on first use, esbuild-wasm started there once; the CLI, where native
// esbuild runs in its own process anyway, calls bundleLoss directly.
import { Worker } from 'worker_threads';
import { findBuilt } from '../built-files';
import { bundleLoss, type BundleRequest, type BundleResult } from './bundle';

type Pending = { resolve: (result: BundleResult) => void };

export class BundlerThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerFile = findBuilt('bundler.js')) {}

  bundle(request: BundleRequest): Promise<BundleResult> {
    let worker: Worker;
    try {
      worker = this.ensure();
    } catch {
      return bundleLoss(request); // no worker script (running from sources): bundle here
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage({ id, request });
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile);
    worker.unref();
    worker.on('message', (reply: { id: number; result: BundleResult }) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      waiting.resolve(reply.result);
    });
    const fail = (why: string): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [, waiting] of this.pending) waiting.resolve({ ok: false, message: `the bundler stopped (${why})`, ms: 0 });
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit ${code}`));
    this.worker = worker;
    return worker;
  }
}

let shared: BundlerThread | undefined;

/** The extension's one bundler thread, shared by the runtime checks and the preview panel. */
export function bundleOffThread(request: BundleRequest): Promise<BundleResult> {
  shared ??= new BundlerThread();
  return shared.bundle(request);
}
