// What `@tensorflow/tfjs` means in the check process's bundle (esbuild.mjs aliases it here): core,
// layers and the cpu backend, from their ES modules; worker.ts adds the wasm backend. The converter,
// data and WebGL packages, which no check uses, are left to user-tfjs.ts, loaded when a loss asks.
// Measured: a check process is ready in about 200 ms instead of 330 (DESIGN.md "Check processes").
// What @tensorflow/tfjs itself imports for its side effects: the gradients, and the chained ops
// (yPred.sub(yTrue).square().mean()) that user losses call.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export * from '@tensorflow/tfjs-backend-cpu';
