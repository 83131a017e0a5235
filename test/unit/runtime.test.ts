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
    const results = await check(path.join(RUNTIME, 'hostile.js'), { timeoutMs: 4000 });
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
