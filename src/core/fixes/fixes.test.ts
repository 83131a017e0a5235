// Each quick fix leaves a file that passes the checks it addressed: the diagnostic is gone on
// re-analysis, and the runtime check behind it passes in the real worker.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSource } from '../../../test/helpers/analyze';
import type { CheckId, Diagnostic } from '../report';
import { checkFileLosses } from '../run/check-file';
import { LossRunner } from '../run/runner';
import { applyEdits, fixesFor } from '.';

const header = "import * as tf from '@tensorflow/tfjs';\n";

describe('quick fixes', function () {
  this.timeout(60_000);
  const runner = new LossRunner({ timeoutMs: 20_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-fixes-'));
  after(async () => {
    await runner.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Applies the one fix for the first `code` finding; returns the new text. */
  function fix(text: string, code: string, file = 'inline.ts'): { fixed: string; title: string } {
    const analysis = analyzeSource(text, { file });
    const diagnostic = analysis.losses.flatMap((l) => l.diagnostics).find((d) => d.code === code) as Diagnostic;
    assert.ok(diagnostic, `${code} found before the fix`);
    const [found] = fixesFor(file, text, diagnostic);
    assert.ok(found, `a fix for ${code}`);
    return { fixed: applyEdits(text, found.edits), title: found.title };
  }

  function codes(text: string, file = 'inline.ts'): string[] {
    const analysis = analyzeSource(text, { file });
    return [...analysis.diagnostics, ...analysis.losses.flatMap((l) => l.diagnostics)].map((d) => d.code);
  }

  async function runtime(text: string, ids: CheckId[], ext = '.ts'): Promise<Record<string, string>> {
    const file = path.join(dir, `fixed-${Math.random().toString(36).slice(2)}${ext}`);
    fs.writeFileSync(file, text);
    const losses = analyzeSource(text, { file: path.basename(file) }).losses;
    const results = await checkFileLosses(runner, file, text, losses, { seed: 1 });
    const checks = [...results.values()].flat();
    return Object.fromEntries(ids.map((id) => [id, checks.find((c) => c.id === id)?.status ?? 'missing']));
  }

  it('LL100: moves the extra parameter into a factory that is then found and runs', async () => {
    const text = `${header}export function huber(yTrue: tf.Tensor, yPred: tf.Tensor, delta: number): tf.Tensor {
  return tf.mean(tf.losses.huberLoss(yTrue, yPred, undefined, delta, tf.Reduction.NONE), -1);
}
export const scaled = (yTrue, yPred, k: number) => tf.mul(k, tf.mean(tf.square(tf.sub(yTrue, yPred)), -1));
`;
    const { fixed } = fix(text, 'LL100');
    assert.match(fixed, /export function huber\(delta: number = 1\) \{\n {2}return \(yTrue: tf\.Tensor, yPred: tf\.Tensor\): tf\.Tensor => \{/);
    const again = fix(fixed, 'LL100').fixed;
    assert.match(again, /export const scaled = \(k: number = 1\) => \(yTrue, yPred\) =>/);
    assert.deepStrictEqual(codes(again), []);
    assert.deepStrictEqual(analyzeSource(again).losses.map((l) => [l.name, l.kind]), [['huber', 'factory'], ['scaled', 'factory']]);
    assert.deepStrictEqual(await runtime(again, ['runs', 'gradient', 'fit']), { runs: 'pass', gradient: 'pass', fit: 'pass' });
  });

  it('LL204: lessEqual becomes greaterEqual with the operands swapped, and the gradient exists', async () => {
    const text = `${header}export function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.mean(tf.where(tf.lessEqual(err, 1), tf.mul(0.5, tf.square(err)), tf.sub(err, 0.5)), -1);
}
`;
    const before = await runtime(text, ['gradient']);
    assert.strictEqual(before.gradient, 'fail');
    const { fixed } = fix(text, 'LL204');
    assert.match(fixed, /tf\.where\(tf\.greaterEqual\(1, err\), /);
    assert.deepStrictEqual(codes(fixed), []);
    assert.deepStrictEqual(await runtime(fixed, ['gradient', 'gradcheck', 'fit']), { gradient: 'pass', gradcheck: 'pass', fit: 'pass' });
  });

  it('LL204: less inside tf.where becomes greaterEqual with the branches swapped, the same values', async () => {
    const text = `${header}export function capped(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const err = tf.abs(tf.sub(yTrue, yPred));
  return tf.mean(tf.where(err.less(1), tf.square(err), err), -1);
}
`;
    const { fixed } = fix(text, 'LL204');
    assert.match(fixed, /tf\.where\(tf\.greaterEqual\(err, 1\), err, tf\.square\(err\)\)/);
    assert.deepStrictEqual(codes(fixed), []);
    assert.deepStrictEqual(await runtime(fixed, ['gradient', 'fit']), { gradient: 'pass', fit: 'pass' });
  });

  it('LL205: clips the argument of log, and the loss is finite at the boundaries', async () => {
    const text = `${header}/** @lossTask binary */
export function logLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const positive = tf.mul(yTrue, tf.log(yPred));
  const negative = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, yPred)));
  return tf.neg(tf.mean(tf.add(positive, negative), -1));
}
`;
    assert.strictEqual((await runtime(text, ['finite-at-boundaries']))['finite-at-boundaries'], 'fail');
    const once = fix(text, 'LL205').fixed;
    const fixed = fix(once, 'LL205').fixed;
    assert.match(fixed, /tf\.log\(tf\.clipByValue\(yPred, 1e-7, 1 - 1e-7\)\)/);
    assert.match(fixed, /tf\.log\(tf\.clipByValue\(tf\.sub\(1, yPred\), 1e-7, 1 - 1e-7\)\)/);
    assert.deepStrictEqual(codes(fixed), []);
    assert.deepStrictEqual(await runtime(fixed, ['finite-at-boundaries', 'gradcheck']), { 'finite-at-boundaries': 'pass', gradcheck: 'pass' });
  });

  it('LL205: adds an epsilon under sqrt and to a divisor', () => {
    const text = `${header}export function dist(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.div(tf.sqrt(tf.sum(tf.square(tf.sub(yTrue, yPred)), -1)), tf.sum(yPred, -1));
}
`;
    const fixed = fix(fix(text, 'LL205').fixed, 'LL205').fixed;
    assert.match(fixed, /tf\.sqrt\(tf\.add\(tf\.sum\(tf\.square\(tf\.sub\(yTrue, yPred\)\), -1\), 1e-12\)\)/);
    assert.match(fixed, /tf\.add\(tf\.sum\(yPred, -1\), 1e-7\)/);
    assert.deepStrictEqual(codes(fixed), []);
  });

  it("LL200: the article's if on a tensor becomes tf.where, in JavaScript", () => {
    const text = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'article', 'huber.js'), 'utf8');
    const { fixed, title } = fix(text, 'LL200', 'huber.js');
    assert.match(title, /tf\.where\(withinThreshold/);
    assert.match(fixed, /return tf\.where\(withinThreshold, error\.square\(\)\.mul\(0\.5\), error\.abs\(\)\.mul\(t\)\.sub\(0\.5 \* t \* t\)\);/);
    // LL200 is gone; the comparison now feeds tf.where, which LL204 reports next, with its own fix.
    assert.deepStrictEqual(codes(fixed, 'huber.js'), ['LL204']);
    assert.deepStrictEqual(codes(fix(fixed, 'LL204', 'huber.js').fixed, 'huber.js'), []);
  });

  it('LL200: a file with no tfjs import gets the import in the same fix', () => {
    const text = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'article', 'huber.js'), 'utf8').replace(/^import .*\n/m, '');
    assert.doesNotMatch(text, /@tensorflow/);
    const { fixed, title } = fix(text, 'LL200', 'huber.js');
    assert.match(title, /and import tf$/);
    assert.match(fixed, /^import \* as tf from '@tensorflow\/tfjs';\n/);
    assert.match(fixed, /return tf\.where\(withinThreshold, /);
    assert.deepStrictEqual(codes(fixed, 'huber.js'), ['LL204']);
  });

  it('LL200: a ?: on a tensor becomes tf.where', () => {
    const text = `${header}export function pick(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const mask = tf.greaterEqual(yTrue, 0.5);
  return tf.mean(mask ? tf.square(tf.sub(yTrue, yPred)) : tf.abs(tf.sub(yTrue, yPred)), -1);
}
`;
    const { fixed } = fix(text, 'LL200');
    assert.match(fixed, /tf\.mean\(tf\.where\(mask, tf\.square\(tf\.sub\(yTrue, yPred\)\), tf\.abs\(tf\.sub\(yTrue, yPred\)\)\), -1\)/);
    assert.deepStrictEqual(codes(fixed), []);
  });
});
