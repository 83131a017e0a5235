// The CLI against the TypeScript it is built on, side by side in this one run (runs alternate, so
// that a busy machine slows both alike): `--static` on 30 loss files against `tsc -p` on the same
// project, and a file with no loss against merely loading TypeScript. Targets (issue "As fast as
// tsc"): ≤ 1.2× and ≤ 1.5×.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeCorpus } from './corpus';
import { median, sideBySide } from './side-by-side';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TSC = require.resolve('typescript/bin/tsc');
const RUNS = 7;

/** Wall time of one process, in ms; throws when it fails in a way the measure should not hide. */
function timed(args: string[], okCodes: number[], cwd = ROOT): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (!okCodes.includes(result.status ?? -1)) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export async function benchCli(): Promise<Array<[string, string]>> {
  const rows: Array<[string, string]> = [];
  const corpus = writeCorpus();
  const lossLab = (): number => timed([CLI, 'check', '--static', ...corpus.files], [1]);
  // The corpus has errors of Loss Lab's (LL204), none of TypeScript's: tsc exits 0.
  const tsc = (): number => timed([TSC, '--noEmit', '-p', corpus.dir], [0]);
  const big = await sideBySide(lossLab, tsc, RUNS);
  rows.push([
    `CLI: check --static, ${corpus.files.length} loss files, one tsconfig, vs tsc --noEmit -p (median of ${RUNS}, alternating)`,
    `${big.a.toFixed(0)} ms vs ${big.b.toFixed(0)} ms: ${big.ratio.toFixed(2)}× (target ≤ 1.2×: ${big.ratio <= 1.2 ? 'met' : 'NOT met'})`,
  ]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-bench-'));
  try {
    const helpers = path.join(dir, 'helpers.ts');
    fs.writeFileSync(helpers, "import * as fs from 'fs';\n\nexport function scale(values: number[], k: number): number[] {\n  return values.map((v) => v * k);\n}\n\nexport const readConfig = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));\n");
    const none = (): number => timed([CLI, 'check', '--static', helpers], [0]);
    const loadTs = (): number => timed(['-e', "require('typescript')"], [0]);
    const small = await sideBySide(none, loadTs, RUNS);
    rows.push([
      `CLI: check --static, a file with no loss, vs node -e "require('typescript')" (median of ${RUNS}, alternating)`,
      `${small.a.toFixed(0)} ms vs ${small.b.toFixed(0)} ms: ${small.ratio.toFixed(2)}× (target ≤ 1.5×: ${small.ratio <= 1.5 ? 'met' : 'NOT met'})`,
    ]);
    // Start-up: one loss file, with V8's code cache for analyzer.js (as every run after the first
    // of a build) and without it (the first run, or NODE_DISABLE_COMPILE_CACHE=1).
    const one = path.join(dir, 'one.ts');
    fs.writeFileSync(one, "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\n");
    const cached = (): number => timed([CLI, 'check', '--static', one], [0]);
    const uncached = (): number => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'check', '--static', one], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
      if (result.status !== 0) throw new Error(result.stderr);
      return performance.now() - started;
    };
    cached(); // writes the cache if this build has none yet
    const start = await sideBySide(cached, uncached, RUNS);
    rows.push([
      `CLI: check --static, one loss file, shipped tfjs declarations, with vs without the code cache (median of ${RUNS}, alternating)`,
      `${start.a.toFixed(0)} ms vs ${start.b.toFixed(0)} ms: ${start.ratio.toFixed(2)}×`,
    ]);
    const bare = median(Array.from({ length: RUNS }, () => timed(['-e', '0'], [0])));
    rows.push(['CLI: for scale, node -e 0 (median)', `${bare.toFixed(0)} ms`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
