// The backends of the panel's worker: which ones start here, what each runs on (the GPU's renderer
// for WebGL), and the choice of the training backend by timing the first epochs on each.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKENDS, type Backend, type BackendChoice } from '../../src/protocol';
import type { BackendTrial } from './protocol';

/** tfjs-backend-wasm's file names; the page hands us blob URLs of their bytes (see webview/main.ts). */
export type WasmFiles = Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

let wasmConfigured = false;

/** Switches to `backend`; false (and the reason in `failures`) where it cannot start here. */
export async function useBackend(backend: Backend, wasm: WasmFiles | undefined, failures: Map<Backend, string>): Promise<boolean> {
  if (failures.has(backend)) return false;
  try {
    if (backend === 'wasm') {
      if (!wasm?.['tfjs-backend-wasm.wasm']) throw new Error('its .wasm files could not be loaded');
      if (!wasmConfigured) {
        // Without cross-origin isolation there are no threads: the simd file or the plain one is used.
        setWasmPaths({ 'tfjs-backend-wasm-threaded-simd.wasm': wasm['tfjs-backend-wasm.wasm'], ...wasm } as Record<string, string>);
        wasmConfigured = true;
      }
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start its ${backend} backend here`);
    await tf.ready();
    if (backend === 'webgl') {
      // A NaN in a packed texel escapes clipByValue on WebGL (DESIGN.md): clip element by element.
      tf.env().set('WEBGL_PACK_CLIP', false);
    }
    return true;
  } catch (error) {
    failures.set(backend, (error as Error)?.message ?? String(error));
    return false;
  }
}

/** What the active backend computes on: the GPU for WebGL (often SwiftShader, a software GPU, on machines without one). */
export function rendererOf(backend: Backend): string {
  if (backend === 'cpu') return 'JavaScript on the CPU';
  if (backend === 'wasm') return typeof WebAssembly === 'object' ? 'WebAssembly on the CPU' : 'WebAssembly';
  // The backend object's WebGL context is not in tfjs's public types.
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!gl) return 'WebGL';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  // In a worker there is no document: tfjs draws into an OffscreenCanvas.
  return typeof OffscreenCanvas !== 'undefined' && gl.canvas instanceof OffscreenCanvas ? `${renderer}, on an OffscreenCanvas` : renderer;
}

export interface Choice {
  backend: Backend;
  reason: string;
  trials: BackendTrial[];
  /** A backend whose first-batch loss differs from cpu's, said in words. */
  difference?: string;
  kept?: boolean;
}

/** One backend's trial: ms per timed epoch, and the loss on the first batch before any step. */
export interface TrialTiming {
  msPerEpoch: number;
  firstLoss: number;
}

/** The trial's timing, in the words the run's progress uses too (both are runEpoch's wall time). */
export const TRIAL_EPOCHS_LABEL = 'ms/epoch in the trial (2 epochs after a warm-up, no drawing)';

/**
 * The training backend: the one the user pinned, else the fastest on this machine, timed on the
 * same model (`trial` returns ms per epoch on the active backend). Software WebGL trains a small
 * MLP 5–8× slower than the CPU backends (DESIGN.md), a real GPU may win: so measure, never assume.
 */
export async function chooseBackend(choice: BackendChoice, wasm: WasmFiles | undefined, trial: () => Promise<TrialTiming>): Promise<Choice> {
  const failures = new Map<Backend, string>();
  if (choice !== 'auto') {
    if (await useBackend(choice, wasm, failures)) return { backend: choice, reason: `pinned by the lossLab.panel.backend setting`, trials: [] };
    await useBackend('cpu', wasm, failures);
    return { backend: 'cpu', reason: `${choice} was pinned but cannot start here (${failures.get(choice)}): fell back to cpu`, trials: [] };
  }
  const trials: BackendTrial[] = [];
  for (const backend of BACKENDS) {
    if (!(await useBackend(backend, wasm, failures))) {
      trials.push({ backend, msPerEpoch: null, error: failures.get(backend) ?? 'unavailable' });
      continue;
    }
    try {
      const timing = await trial();
      trials.push({ backend, msPerEpoch: timing.msPerEpoch, firstLoss: Number.isFinite(timing.firstLoss) ? timing.firstLoss : null });
    } catch (error) {
      trials.push({ backend, msPerEpoch: null, error: (error as Error)?.message ?? String(error) });
    }
  }
  const timed = trials.filter((t): t is BackendTrial & { msPerEpoch: number } => t.msPerEpoch !== null).sort((a, b) => a.msPerEpoch - b.msPerEpoch);
  const best = timed[0];
  if (!best) {
    await useBackend('cpu', wasm, failures);
    return { backend: 'cpu', reason: 'no backend finished a timed epoch: using cpu', trials };
  }
  await useBackend(best.backend, wasm, failures);
  const others = timed.slice(1).map((t) => `${t.backend} ${t.msPerEpoch.toFixed(1)}`);
  const reason = `fastest in timed epochs: ${best.backend} ${best.msPerEpoch.toFixed(1)}${others.length ? ` vs ${others.join(', ')}` : ''} ${TRIAL_EPOCHS_LABEL}`;
  const difference = firstLossDifference(trials);
  return { backend: best.backend, reason, trials, ...(difference ? { difference } : {}) };
}

/**
 * The same initial weights and batch give the same loss on every backend, up to float32 rounding;
 * more than that (WebGL's epsilon of 1e-4, 0/0 = 1 on WebGL…) changes what the loss trains, and the
 * user should know. Compared with cpu, the reference implementation.
 */
export function firstLossDifference(trials: readonly BackendTrial[]): string | undefined {
  const cpu = trials.find((t) => t.backend === 'cpu')?.firstLoss;
  if (cpu === undefined) return undefined;
  const show = (v: number | null | undefined): string => (v === null || v === undefined ? 'not finite' : String(Number(v.toPrecision(6))));
  const differing = trials.filter((t) => {
    if (t.backend === 'cpu' || t.firstLoss === undefined) return false;
    if (t.firstLoss === null || cpu === null) return t.firstLoss !== cpu;
    return Math.abs(t.firstLoss - cpu) > 1e-4 * Math.max(1, Math.abs(cpu));
  });
  if (differing.length === 0) return undefined;
  return `the loss on the first batch differs between backends: ${differing.map((t) => `${t.backend} ${show(t.firstLoss)}`).join(', ')} vs cpu ${show(cpu)} (same weights, same batch)`;
}
