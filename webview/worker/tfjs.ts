// What `@tensorflow/tfjs` means in the panel's worker bundle (esbuild.mjs aliases it here): core,
// layers and the three backends, without the converter and data packages the panel never uses.
// The backends register themselves when imported; named imports keep esbuild from dropping them
// as side-effect free (DESIGN.md "Bundling").
// What @tensorflow/tfjs itself imports for its side effects: the gradients, and the chained ops
// (yPred.sub(yTrue).square().mean()) that user losses call.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
export { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
export { setWasmPaths, BackendWasm } from '@tensorflow/tfjs-backend-wasm';
