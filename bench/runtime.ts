// Runtime checks: a full check of one loss cold and warm; the gradient check batched against
// element by element; model.fit with a custom MSE against the built-in; tensors alive after 1000
// checks; ten files' checks one at a time against two at a time (--jobs). Measured side by side in
// this one run.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer } from '../src/core/analyze';
import { runChecks } from '../src/core/checks';
import { checkGradient } from '../src/core/checks/gradcheck';
import { checkFileLosses } from '../src/core/run/check-file';
import { checkFiles, type FileRun } from '../src/core/run/check-files';
import { LossRunner } from '../src/core/run/runner';

const ROOT = path.resolve(__dirname, '..');
type Rows = Array<[string, string]>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function fullCheck(rows: Rows): Promise<void> {
  const file = path.join(ROOT, 'test', 'fixtures', 'runtime', 'correct.ts');
  const text = fs.readFileSync(file, 'utf8');
  const all = new Analyzer().analyze(file, text, { types: 'off' }).losses;
  const losses = all.filter((l) => l.name === 'mse');
  const runner = new LossRunner({ timeoutMs: 60_000 });
  let checks = 0;
  let t = performance.now();
  await checkFileLosses(runner, file, text, losses, { seed: 1, onLoss: (_name, results) => (checks = results.length) });
  const cold = performance.now() - t;
  const warm: number[] = [];
  const perCheck = new Map<string, number[]>();
  for (let i = 0; i < 10; i++) {
    // As when the user checks again a moment later: the spare process started after the last check is ready.
    await runner.warmUp();
    t = performance.now();
    await checkFileLosses(runner, file, text, losses, {
      seed: 1,
      reference: 'mse',
      onLoss: (_name, results) => results.forEach((c) => perCheck.set(c.id, [...(perCheck.get(c.id) ?? []), c.ms])),
    });
    warm.push(performance.now() - t);
  }
  // Every loss of the file, warm: a binary loss and a factory cost more than MSE.
  const each = new Map<string, number[]>();
  for (let i = 0; i < 5; i++) {
    await checkFileLosses(runner, file, text, all, { seed: 1, onLoss: (name, _results, ms) => each.set(name, [...(each.get(name) ?? []), ms]) });
  }
  await runner.dispose();
  rows.push([`full runtime check of one loss (mse), cold: process start and warm-up + bundle + ${checks} checks`, `${cold.toFixed(0)} ms`]);
  const m = median(warm);
  rows.push(['full runtime check of one loss (mse, with --reference), warm: a spare process loads the bundle and runs the checks (median of 10)', `${m.toFixed(0)} ms (target ≤ 500 ms: ${m <= 500 ? 'met' : 'NOT met'})`]);
  const slowest = [...each].map(([name, ms]) => [name, median(ms)] as const).sort((a, b) => b[1] - a[1]);
  const worst = slowest[0]?.[1] ?? NaN;
  rows.push(['full runtime check, warm, each loss of correct.ts (median of 5)', `${slowest.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')} ms (target ≤ 500 ms: ${worst <= 500 ? 'met' : 'NOT met'})`]);
  const costly = [...perCheck].map(([id, ms]) => [id, median(ms)] as const).sort((a, b) => b[1] - a[1]).slice(0, 6);
  rows.push(['the costliest checks of the warm mse run (median ms)', costly.map(([id, ms]) => `${id} ${ms.toFixed(1)}`).join(', ')]);
}

function gradcheckCost(rows: Rows): void {
  const t = tf.randomNormal([64, 10], 0, 1, 'float32', 1);
  const p = tf.randomNormal([64, 10], 0, 1, 'float32', 2);
  const mse = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(a, b)), -1);
  const time = (batched: boolean): { ms: number; evaluations: number; status: string } => {
    const started = performance.now();
    const r = checkGradient(mse, t, p, { batched, maxElements: 640 });
    return { ms: performance.now() - started, evaluations: r.evaluations, status: r.status };
  };
  time(true); // warm-up
  const batched = time(true);
  const single = time(false);
  tf.dispose([t, p]);
  rows.push(['gradcheck [64, 10] mse, batched', `${batched.evaluations} evaluations, ${batched.ms.toFixed(0)} ms, ${batched.status}`]);
  rows.push(['gradcheck [64, 10] mse, element by element', `${single.evaluations} evaluations, ${single.ms.toFixed(0)} ms, ${single.status}`]);
  rows.push(['gradcheck batched / element by element', `${(batched.evaluations / single.evaluations).toFixed(3)} of the evaluations, ${(batched.ms / single.ms).toFixed(3)} of the time`]);
}

async function fitCost(rows: Rows): Promise<void> {
  const x = tf.randomNormal([256, 8], 0, 1, 'float32', 3);
  const y = tf.randomNormal([256, 4], 0, 1, 'float32', 4);
  const fit = async (loss: string | ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor)): Promise<number> => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }), tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) })] });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss });
    const started = performance.now();
    await model.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
    const ms = performance.now() - started;
    model.dispose();
    optimizer.dispose();
    return ms;
  };
  const custom = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(a, b)), -1);
  await fit(custom); // warm-up of both paths
  await fit('meanSquaredError');
  const customMs: number[] = [];
  const builtInMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    customMs.push(await fit(custom));
    builtInMs.push(await fit('meanSquaredError'));
  }
  tf.dispose([x, y]);
  const ratio = median(customMs) / median(builtInMs);
  rows.push([`model.fit 20 epochs [256, 8] → [256, 4] on ${tf.getBackend()}, custom MSE (median of 5)`, `${median(customMs).toFixed(0)} ms`]);
  rows.push([`model.fit 20 epochs, built-in 'meanSquaredError' (median of 5, interleaved)`, `${median(builtInMs).toFixed(0)} ms`]);
  rows.push(['custom / built-in', `${ratio.toFixed(3)} (target ≤ 1.05: ${ratio <= 1.05 ? 'met' : 'NOT met'})`]);
}

async function tensorsAfterChecks(rows: Rows): Promise<void> {
  const mse = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(a, b)), -1);
  await runChecks(mse, { task: 'regression', seed: 1 });
  const before = tf.memory().numTensors;
  const started = performance.now();
  for (let i = 0; i < 1000; i++) await runChecks(mse, { task: 'regression', seed: i });
  const after = tf.memory().numTensors;
  rows.push(['tensors alive before / after 1000 full checks (in process)', `${before} / ${after} (target unchanged: ${before === after ? 'met' : 'NOT met'}), ${((performance.now() - started) / 1000).toFixed(1)} ms per check`]);
}

/**
 * Ten files, as `loss-lab check --jobs 1` and `--jobs 2` run them: each file in a fresh process, at
 * most N processes at a time, the first started ahead. The runtime checks alone (the analysis done
 * before), then the whole command, which analyses the files first.
 */
async function jobs(rows: Rows): Promise<void> {
  const analyzer = new Analyzer();
  const files = [
    ...['correct', 'wrong', 'near-miss', 'widths', 'wrong-semantics', 'huber-delta', 'uses-helper'].map((n) => path.join(ROOT, 'test', 'fixtures', 'runtime', `${n}.ts`)),
    ...['article', 'bugs', 'vae'].map((n) => path.join(ROOT, 'examples', `${n}.js`)),
  ];
  const runs: FileRun[] = files.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const analysis = analyzer.analyze(file, text, { types: 'off' });
    return { file, text: analysis.runModule ?? text, losses: analysis.losses, options: { seed: 1, timeoutMs: 60_000, sourceText: text } };
  });
  const losses = runs.reduce((n, r) => n + r.losses.length, 0);
  const time = async (count: number): Promise<number> => {
    const runner = new LossRunner({ timeoutMs: 60_000, jobs: count, processes: count });
    const started = performance.now();
    runner.prestart(count);
    await checkFiles(runner, runs);
    const ms = performance.now() - started;
    await runner.dispose();
    return ms;
  };
  const cli = (count: number): number => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--jobs', String(count), ...files], { encoding: 'utf8' });
    if (result.status !== 0 && result.status !== 1) throw new Error(`loss-lab check failed: ${result.stderr}`);
    return performance.now() - started;
  };
  const one: number[] = [];
  const two: number[] = [];
  const cliOne: number[] = [];
  const cliTwo: number[] = [];
  for (let round = 0; round < 5; round++) {
    one.push(await time(1));
    two.push(await time(2));
    cliOne.push(cli(1));
    cliTwo.push(cli(2));
  }
  const ratio = median(two) / median(one);
  const cliRatio = median(cliTwo) / median(cliOne);
  rows.push([`runtime checks of 10 files (${losses} losses), one process at a time (--jobs 1, median of 5)`, `${median(one).toFixed(0)} ms`]);
  rows.push(['the same, two processes at a time (--jobs 2, interleaved)', `${median(two).toFixed(0)} ms`]);
  rows.push(['--jobs 2 / --jobs 1', `${ratio.toFixed(2)} (target ≤ 0.65: ${ratio <= 0.65 ? 'met' : 'NOT met'})`]);
  rows.push(['loss-lab check on the same 10 files, analysis included: --jobs 1 | --jobs 2 (median of 5, interleaved)', `${median(cliOne).toFixed(0)} ms | ${median(cliTwo).toFixed(0)} ms, ratio ${cliRatio.toFixed(2)}`]);
}

/** A check process from fork to ready (tfjs loaded, warmed up), through V8's code cache and without it. */
async function processStart(rows: Rows): Promise<void> {
  const ready = async (cache: boolean): Promise<number> => {
    const saved = process.env.NODE_DISABLE_COMPILE_CACHE;
    if (cache) delete process.env.NODE_DISABLE_COMPILE_CACHE;
    else process.env.NODE_DISABLE_COMPILE_CACHE = '1';
    const runner = new LossRunner();
    const started = performance.now();
    await runner.warmUp();
    const ms = performance.now() - started;
    await runner.dispose();
    if (saved === undefined) delete process.env.NODE_DISABLE_COMPILE_CACHE;
    else process.env.NODE_DISABLE_COMPILE_CACHE = saved;
    return ms;
  };
  await ready(true); // writes the cache if this build has none yet
  const cached: number[] = [];
  const compiled: number[] = [];
  for (let i = 0; i < 7; i++) {
    cached.push(await ready(true));
    compiled.push(await ready(false));
  }
  rows.push(['a check process from fork to ready (tfjs loaded, warmed up): with the code cache | compiling (median of 7, interleaved)', `${median(cached).toFixed(0)} ms | ${median(compiled).toFixed(0)} ms`]);
}

export async function benchRuntime(): Promise<Rows> {
  setWasmPaths(`${path.join(ROOT, 'dist', 'wasm')}${path.sep}`);
  await tf.setBackend('wasm');
  const rows: Rows = [];
  await processStart(rows);
  await fullCheck(rows);
  gradcheckCost(rows);
  await fitCost(rows);
  await tensorsAfterChecks(rows);
  return rows;
}

/** `npm run bench -- jobs`: the --jobs rows alone (about a minute). */
export async function benchJobs(): Promise<Rows> {
  const rows: Rows = [];
  await jobs(rows);
  return rows;
}
