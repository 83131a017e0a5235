// Runtime checks end to end: real loss files analysed, bundled with esbuild, run in the real worker
// (dist/worker.js, built by npm test) on real tfjs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer } from '../../src/core/analyze';
import { checkFileLosses } from '../../src/core/run/check-file';
import { LossRunner } from '../../src/core/run/runner';
import type { CheckId, CheckResult } from '../../src/core/report';

const RUNTIME = path.resolve(__dirname, '..', 'fixtures', 'runtime');
const ARTICLE = path.resolve(__dirname, '..', 'fixtures', 'article');

describe('runtime checks', function () {
  this.timeout(120_000);
  const analyzer = new Analyzer();
  const runner = new LossRunner({ timeoutMs: 20_000 });
  after(() => runner.dispose());

  async function check(file: string, options: { reference?: string; timeoutMs?: number } = {}): Promise<Map<string, CheckResult[]>> {
    const text = fs.readFileSync(file, 'utf8');
    const analysis = analyzer.analyze(file, text, { types: 'off' });
    return checkFileLosses(runner, file, text, analysis.losses, { seed: 1, ...options });
  }

  function status(checks: CheckResult[] | undefined, id: CheckId): string {
    const found = checks?.find((c) => c.id === id);
    return found ? found.status : 'missing';
  }

  function failing(checks: CheckResult[] | undefined): string[] {
    return (checks ?? []).filter((c) => c.status === 'fail').map((c) => c.id);
  }

  it('passes every check on correct losses', async () => {
    const results = await check(path.join(RUNTIME, 'correct.ts'), { reference: 'mse' });
    for (const [name, checks] of results) {
      assert.deepStrictEqual(failing(checks).filter((id) => id !== 'reference'), [], `${name}: ${JSON.stringify(checks.filter((c) => c.status === 'fail'))}`);
      for (const id of ['runs', 'returns-tensor', 'shape', 'broadcast', 'finite', 'finite-at-boundaries', 'monotone', 'gradient', 'gradient-finite', 'gradcheck', 'no-leak', 'backends', 'fit', 'timeout'] as const) {
        assert.strictEqual(status(checks, id), 'pass', `${name} ${id}: ${checks.find((c) => c.id === id)?.message}`);
      }
      assert.ok(checks.every((c) => typeof c.ms === 'number' && c.ms >= 0), 'every check carries its ms');
    }
    assert.strictEqual(status(results.get('mse'), 'reference'), 'pass', 'mse matches the built-in mse');
    assert.strictEqual(status(results.get('mae'), 'reference'), 'fail', 'mae differs from mse');
    assert.match(results.get('mae')?.find((c) => c.id === 'reference')?.message ?? '', /worst at residual -?5\.0: 5 vs 25/);
  });

  it('gives a module all of @tensorflow/tfjs, the parts the checks never load included', async () => {
    const results = await check(path.join(RUNTIME, 'whole-tfjs.ts'));
    const runs = results.get('mse')?.find((c) => c.id === 'runs');
    assert.strictEqual(runs?.status, 'pass', runs?.message);
  });

  it('fails the check each wrong loss gets wrong', async () => {
    const results = await check(path.join(RUNTIME, 'wrong.ts'));
    assert.strictEqual(status(results.get('wrongCustomGrad'), 'gradcheck'), 'fail');
    const lessEqual = results.get('lessEqualHuber');
    assert.strictEqual(status(lessEqual, 'gradient'), 'fail');
    assert.match(lessEqual?.find((c) => c.id === 'gradient')?.message ?? '', /LessEqual/);
    assert.strictEqual(status(lessEqual, 'fit'), 'fail');
    assert.strictEqual(status(results.get('unclippedLogLoss'), 'finite-at-boundaries'), 'fail');
    const leak = results.get('leaky')?.find((c) => c.id === 'no-leak');
    assert.strictEqual(leak?.status, 'fail');
    assert.strictEqual(leak?.value, 1, 'one tensor per call');
    assert.strictEqual(status(results.get('broadcastBug'), 'shape'), 'fail');
    assert.strictEqual(status(results.get('negatedMse'), 'minimum-at-perfect'), 'fail');
  });

  it('survives losses that throw, loop forever, exit, or exhaust memory, and runs the rest', async () => {
    // Time enough for V8 to give up on the heap: near its limit it collects garbage for seconds
    // before it declares the worker out of memory (more on a busy machine).
    const results = await check(path.join(RUNTIME, 'hostile.js'), { timeoutMs: 12_000 });
    assert.match(results.get('throws')?.find((c) => c.id === 'runs')?.message ?? '', /boom/);
    assert.strictEqual(status(results.get('returnsNumber'), 'returns-tensor'), 'fail');
    assert.strictEqual(status(results.get('loopsForever'), 'timeout'), 'fail');
    assert.match(results.get('exits')?.find((c) => c.id === 'runs')?.message ?? '', /process\.exit/);
    assert.match(results.get('exhaustsMemory')?.find((c) => c.id === 'runs')?.message ?? '', /out of memory/);
    assert.strictEqual(status(results.get('hugeTensor'), 'runs'), 'fail');
    assert.deepStrictEqual(failing(results.get('fine')), [], 'the runner recovered for the next loss');
  });

  it('bundles relative imports, and names an import that cannot be found', async () => {
    assert.deepStrictEqual(failing((await check(path.join(RUNTIME, 'uses-helper.ts'))).get('viaHelper')), []);
    const missing = (await check(path.join(RUNTIME, 'missing-import.ts'))).get('smoothed');
    assert.strictEqual(status(missing, 'runs'), 'fail');
    assert.match(missing?.[0]?.message ?? '', /"\.\/does-not-exist" cannot be found/);
  });

  it('bundles a file once for all its losses, reports each, and stops when cancelled', async () => {
    const file = path.join(RUNTIME, 'correct.ts');
    const text = fs.readFileSync(file, 'utf8');
    const losses = analyzer.analyze(file, text, { types: 'off' }).losses;
    const told: string[] = [];
    const all = await checkFileLosses(runner, file, text, losses, { seed: 1, onLoss: (name, checks, ms) => told.push(`${name}:${checks.length > 0 && ms > 0}`) });
    assert.deepStrictEqual(told, losses.map((l) => `${l.name}:true`));
    assert.strictEqual(all.size, losses.length);
    let runs = 0;
    const stopped = await checkFileLosses(runner, file, text, losses, { seed: 1, cancelled: () => runs++ >= 1 });
    assert.deepStrictEqual([...stopped.keys()], [losses[0]?.name]);
  });

  it("behaves as expected on the article's losses", async () => {
    const mse = (await check(path.join(ARTICLE, 'mse.js'))).get('meanSquaredError');
    assert.deepStrictEqual(failing(mse), []);
    const mae = (await check(path.join(ARTICLE, 'mae.js'))).get('meanAbsoluteError');
    assert.deepStrictEqual(failing(mae), []);
  });
});

describe('runtime checks of unsaved text', function () {
  this.timeout(60_000);
  it('runs a loss that has no file on disk yet (an untitled editor)', async () => {
    const runner = new LossRunner({ timeoutMs: 20_000 });
    try {
      const file = path.join(RUNTIME, 'Untitled-7.ts');
      const text = "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);\n";
      const losses = new Analyzer().analyze(file, text, { types: 'off' }).losses;
      const checks = (await checkFileLosses(runner, file, text, losses, { seed: 1 })).get('mse') ?? [];
      assert.ok(checks.length >= 15 && checks.every((c) => c.status !== 'fail'), JSON.stringify(checks.filter((c) => c.status === 'fail')));
    } finally {
      await runner.dispose();
    }
  });
});

describe('runtime checks that catch wrong losses', function () {
  this.timeout(120_000);
  const analyzer = new Analyzer();
  const runner = new LossRunner({ timeoutMs: 20_000 });
  after(() => runner.dispose());

  async function check(name: string, options: { reference?: string } = {}): Promise<Map<string, CheckResult[]>> {
    const file = path.join(RUNTIME, name);
    const text = fs.readFileSync(file, 'utf8');
    return checkFileLosses(runner, file, text, analyzer.analyze(file, text, { types: 'off' }).losses, { seed: 1, ...options });
  }
  const find = (checks: CheckResult[] | undefined, id: CheckId): CheckResult | undefined => checks?.find((c) => c.id === id);

  it('fails each wrong loss on the check that sees it', async () => {
    const results = await check('wrong-semantics.ts');
    assert.strictEqual(find(results.get('cosineWithoutSign'), 'monotone')?.status, 'fail');
    const entropy = find(results.get('entropyOfTrueClass'), 'monotone');
    assert.strictEqual(entropy?.status, 'fail');
    assert.match(entropy?.message ?? '', /p\(true\) [\d.]+ → [\d.]+ lowers the loss/);
    const broadcast = find(results.get('whereBroadcast'), 'broadcast');
    assert.strictEqual(broadcast?.status, 'fail');
    assert.match(broadcast?.message ?? '', /Select \(tf\.where\) broadcasts \[6\], \[6\], \[6, 1\] to \[6, 6\]/);
    assert.strictEqual(find(results.get('whereBroadcast'), 'shape')?.status, 'pass', 'tf.mean hides it from the shape check');
    const backends = find(results.get('clippedRelativeError'), 'backends');
    assert.strictEqual(backends?.status, 'fail');
    assert.match(backends?.message ?? '', /yTrue = 0 everywhere.*cpu NaN, wasm 0/);
    const huber = await check('wrong-semantics.ts', { reference: 'huber' });
    assert.match(find(huber.get('squareNotHuber'), 'reference')?.message ?? '', /differs from huber \(δ = 1\).*worst at residual -?5\.0: 12\.5 vs 4\.5/);
  });

  it('passes the correct losses that look like them (warning only where a loss is unusual by design)', async () => {
    const results = await check('near-miss.ts');
    const allowedWarnings: Record<string, string[]> = {
      cosineProximity: ['zero-at-perfect', 'non-negative'],
      smoothedBce: ['zero-at-perfect', 'minimum-at-perfect'],
      welsch: ['monotone'],
      tukey: ['monotone'],
    };
    for (const [name, checks] of results) {
      assert.deepStrictEqual(checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`), [], name);
      const warned = checks.filter((c) => c.status === 'warn').map((c) => c.id);
      assert.deepStrictEqual(warned, allowedWarnings[name] ?? [], `${name}: ${JSON.stringify(checks.filter((c) => c.status === 'warn'))}`);
    }
    assert.match(find(results.get('welsch'), 'monotone')?.message ?? '', /redescending/);
  });

  it('names the width a loss expects, runs it with a [batch, width] tag, and moves auto to a preset the loss runs on', async () => {
    const results = await check('widths.ts');
    const untagged = find(results.get('tenClasses'), 'runs');
    assert.strictEqual(untagged?.status, 'fail');
    assert.match(untagged?.message ?? '', /runs with 10 classes instead of 5.*@lossTask categorical \[6, 10\]/);
    assert.deepStrictEqual(failing(results.get('tenClassesTagged')), []);
    assert.match(find(results.get('tenClassesTagged'), 'runs')?.message ?? '', /yTrue \[8, 10\], yPred \[8, 10\]/);
    assert.match(find(results.get('threeCoordinates'), 'runs')?.message ?? '', /runs with 3 features instead of 4.*@lossTask regression \[6, 3\]/);
    const moved = find(results.get('reshapedToColumn'), 'runs');
    assert.strictEqual(moved?.status, 'pass');
    assert.match(moved?.message ?? '', /auto chose regression .* it runs on binary samples, so it is checked as binary/);
    assert.strictEqual(find(results.get('ignoresPredictions'), 'gradient-finite')?.status, 'skip', 'no path from yPred is a skip, not a fail');
    assert.match(find(results.get('oneHotNll'), 'fit')?.message ?? '', /rejects \[N, 1\] integer labels for a custom loss.*one-hot labels/);
    assert.strictEqual(find(results.get('oneHotNll'), 'fit')?.status, 'warn', "tfjs's fit refuses the targets: the loss is not wrong");
  });

  function failing(checks: CheckResult[] | undefined): string[] {
    return (checks ?? []).filter((c) => c.status === 'fail').map((c) => c.id);
  }
});
