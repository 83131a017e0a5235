// The worker thread that bundles losses for the extension (see bundler-thread.ts): esbuild-wasm is
// started here once, and its compile time never blocks the extension host's thread.
import { parentPort } from 'worker_threads';
import { bundleLoss, type BundleRequest, type BundleResult } from './bundle';

parentPort?.on('message', (message: { id: number; request: BundleRequest }) => {
  bundleLoss(message.request).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, result: { ok: false, message: (error as Error)?.message ?? String(error), ms: 0 } satisfies BundleResult }),
  );
});
