// Bundling a loss file: native esbuild (the CLI where npm installed it) against esbuild-wasm (the
// .vsix, every platform), side by side on the bench file. Start-up is paid once per process (the
// first bundle after it), then each bundle costs the warm figure.
import * as path from 'path';
import { bundleLoss } from '../src/core/run/bundle';
import { loadEsbuild, type EsbuildKind } from '../src/core/run/esbuild-loader';

type Rows = Array<[string, string]>;
const FILE = path.resolve(__dirname, 'fixtures', 'many-losses.ts');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function measure(kind: EsbuildKind): Promise<{ startMs: number; firstMs: number; warmMs: number }> {
  process.env.LOSS_LAB_ESBUILD = kind;
  let t = performance.now();
  await loadEsbuild(kind);
  const startMs = performance.now() - t;
  t = performance.now();
  const first = await bundleLoss({ file: FILE });
  if (!first.ok) throw new Error(first.message);
  const firstMs = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    await bundleLoss({ file: FILE });
    warm.push(performance.now() - t);
  }
  return { startMs, firstMs, warmMs: median(warm) };
}

export async function benchBundling(): Promise<Rows> {
  const previous = process.env.LOSS_LAB_ESBUILD;
  try {
    const native = await measure('native');
    const wasm = await measure('wasm');
    const f = (ms: number): string => `${ms.toFixed(1)} ms`;
    return [
      ['bundle many-losses.ts: start-up, native | wasm', `${f(native.startMs)} | ${f(wasm.startMs)} (once per process)`],
      ['bundle many-losses.ts: first bundle, native | wasm', `${f(native.firstMs)} | ${f(wasm.firstMs)}`],
      ['bundle many-losses.ts: warm (median of 20), native | wasm', `${f(native.warmMs)} | ${f(wasm.warmMs)} (wasm ${(wasm.warmMs / native.warmMs).toFixed(1)}× native)`],
    ];
  } finally {
    if (previous === undefined) delete process.env.LOSS_LAB_ESBUILD;
    else process.env.LOSS_LAB_ESBUILD = previous;
  }
}

if (require.main === module) {
  void benchBundling().then((rows) => rows.forEach(([name, figure]) => console.log(`${name}  ${figure}`)));
}
