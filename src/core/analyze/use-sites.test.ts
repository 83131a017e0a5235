// Losses found where compile uses them, run from a slice of the script, and the use-site checks
// LL300–LL303 with their quick fixes: each failing case next to a near miss that must stay quiet.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { allDiagnostics, analyzer, FIXTURES } from '../../../test/helpers/analyze';
import { applyEdits, fixesFor, FIXABLE_CODES, FIXER_CODES } from '../fixes';
import type { CheckResult, Diagnostic } from '../report';
import { checkFileLosses } from '../run/check-file';
import { LossRunner } from '../run/runner';
import { Analyzer, type FileAnalysis } from '.';
import { loadTfjsRegistry } from './tfjs-registry';

const USE_SITES = path.join(FIXTURES, 'use-sites');

function analyzeFixture(name: string): { text: string; file: string; analysis: FileAnalysis } {
  const file = path.join(USE_SITES, name);
  const text = fs.readFileSync(file, 'utf8');
  return { text, file, analysis: analyzer().analyze(file, text) };
}

/** `CODE@line:col` (1-based, as the CLI prints) of every finding. */
function places(analysis: FileAnalysis, codes?: string[]): string[] {
  return allDiagnostics(analysis)
    .filter((d) => !codes || codes.includes(d.code))
    .map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
}

describe('use sites: losses given to compile', function () {
  this.timeout(120_000);
  const runner = new LossRunner({ timeoutMs: 20_000 });
  after(() => runner.dispose());

  async function run(file: string, text: string, analysis: FileAnalysis): Promise<Map<string, CheckResult[]>> {
    return checkFileLosses(runner, file, analysis.runModule ?? text, analysis.losses, { seed: 1, sourceText: text });
  }

  it('finds an inline loss, a local function, a factory called with arguments, and a per-output loss in a script that exports nothing', () => {
    const { analysis } = analyzeFixture('train-script.js');
    assert.deepStrictEqual(analysis.losses.map((l) => [l.name, l.kind]), [
      ['logCosh', 'loss'],
      ['compile@26', 'loss'],
      ['huberLoss', 'factory'],
      ['clipped', 'loss'],
    ]);
    const huber = analysis.losses.find((l) => l.name === 'huberLoss');
    assert.deepStrictEqual(huber?.factoryParams, [{ name: 'delta', defaultText: '2.5', value: 2.5 }]);
    assert.deepStrictEqual(allDiagnostics(analysis), []);
  });

  it('runs them from a slice of the script, never the script itself (its top level throws)', async () => {
    const { file, text, analysis } = analyzeFixture('train-script.js');
    assert.ok(analysis.runModule, 'a slice');
    assert.doesNotMatch(analysis.runModule ?? '', /the training script itself ran|model\.fit/);
    const results = await run(file, text, analysis);
    for (const loss of analysis.losses) {
      const checks = results.get(loss.name) ?? [];
      for (const id of ['runs', 'gradient', 'fit'] as const) {
        const check = checks.find((c) => c.id === id);
        assert.strictEqual(check?.status, 'pass', `${loss.name} ${id}: ${check?.message}`);
      }
    }
    // The factory ran with the call site's argument: Huber with delta 2.5 is quadratic up to 2.5.
    assert.ok(results.get('huberLoss')?.length);
  });

  it('checks a factory imported from a relative module with the call site’s argument, and lints it in its own file only', async () => {
    const { file, text, analysis } = analyzeFixture('train-imported.ts');
    assert.deepStrictEqual(analysis.losses.map((l) => [l.name, l.kind, l.factoryParams.map((p) => p.value)]), [['huberWithThreshold', 'factory', [0.5]]]);
    // The uncalled factory is LL301, said once: not also as TypeScript's TS2322.
    assert.deepStrictEqual(places(analysis), ['LL301@8:44']);
    const results = await run(file, text, analysis);
    assert.strictEqual(results.get('huberWithThreshold')?.find((c) => c.id === 'runs')?.status, 'pass');
  });

  it('reads CommonJS modules a script requires: an uncalled factory, a called loss, and a factory called with an argument', async () => {
    const { file, text, analysis } = analyzeFixture('train-cjs.js');
    assert.deepStrictEqual(places(analysis), ['LL301@5:44', 'LL302@8:44']);
    assert.deepStrictEqual(analysis.losses.map((l) => [l.name, l.kind, l.factoryParams.map((p) => p.value)]), [['focal', 'factory', [3]]]);
    const results = await run(file, text, analysis);
    assert.strictEqual(results.get('focal')?.find((c) => c.id === 'runs')?.status, 'pass');
  });

  it('finds tf.customGrad in compile, static and instance methods tagged @loss, and (target, output) parameters', async () => {
    const { file, text, analysis } = analyzeFixture('more-forms.js');
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['Losses.absolute', 'Losses.halfSquared', 'compile@23', 'compile@31']);
    assert.deepStrictEqual(allDiagnostics(analysis), []);
    const results = await run(file, text, analysis);
    for (const loss of analysis.losses) assert.strictEqual(results.get(loss.name)?.find((c) => c.id === 'runs')?.status, 'pass', loss.name);
  });

  it('finds losses in exported objects and classes, factories that need an argument, and a page script’s functions', async () => {
    const defs = analyzeFixture('definitions.js');
    assert.deepStrictEqual(defs.analysis.losses.map((l) => [l.name, l.kind]), [
      ['losses.absolute', 'loss'],
      ['losses.squared', 'loss'],
      ['Segmentation.dice', 'loss'],
      ['weightedBce', 'factory'],
      ['Trainer.weightedMae', 'loss'],
      ['Penalties.scaledMse', 'loss'],
    ]);
    // A loss name held in a constant is checked where the constant is written.
    assert.deepStrictEqual(places(defs.analysis), ['LL300@54:19']);
    const results = await run(defs.file, defs.text, defs.analysis);
    const trainer = results.get('Trainer.weightedMae')?.find((c) => c.id === 'runs');
    assert.strictEqual(trainer?.status, 'skip');
    assert.match(trainer?.message ?? '', /constructor needs `model`/);
    for (const name of ['losses.absolute', 'losses.squared', 'Segmentation.dice', 'Penalties.scaledMse']) {
      assert.strictEqual(results.get(name)?.find((c) => c.id === 'runs')?.status, 'pass', name);
    }
    const skipped = results.get('weightedBce')?.find((c) => c.id === 'runs');
    assert.strictEqual(skipped?.status, 'skip');
    assert.match(skipped?.message ?? '', /needs `posWeight`/);
    // A helper that takes a third argument with no default is not taken for a loss.
    const page = analyzeFixture('page-script.js');
    assert.deepStrictEqual(page.analysis.losses.map((l) => l.name), ['quantileLoss']);
    assert.deepStrictEqual(places(page.analysis), []);
    const pageResults = await run(page.file, page.text, page.analysis);
    assert.strictEqual(pageResults.get('quantileLoss')?.find((c) => c.id === 'runs')?.status, 'pass');
  });

  it('skips, with the reason, a loss that only exists inside the code around it, and still runs the others', async () => {
    const { file, text, analysis } = analyzeFixture('class-model.js');
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['compile@14', 'compile@28', 'huber', 'compile@37']);
    const results = await run(file, text, analysis);
    const runs = (name: string): CheckResult | undefined => results.get(name)?.find((c) => c.id === 'runs');
    assert.strictEqual(runs('compile@14')?.status, 'skip');
    assert.match(runs('compile@14')?.message ?? '', /reads `this`/);
    assert.strictEqual(runs('compile@28')?.status, 'skip');
    assert.match(runs('compile@28')?.message ?? '', /`classWeights`, a parameter of `compileConfig`/);
    assert.strictEqual(runs('huber')?.status, 'pass', runs('huber')?.message);
    // It assigns the last loss to a variable of the function around it: hoisted as a `let`, it runs.
    assert.strictEqual(runs('compile@37')?.status, 'pass', runs('compile@37')?.message);
    assert.deepStrictEqual(places(analysis), ['LL203@39:23']);
    assert.match(allDiagnostics(analysis)[0]?.message ?? '', /do not reach the loss/);
  });

  it('reports LL300–LL303 where the mistakes are, and nothing on the valid forms beside them', () => {
    const { analysis } = analyzeFixture('mistakes.js');
    assert.deepStrictEqual(places(analysis), ['LL300@16:44', 'LL300@18:44', 'LL301@19:44', 'LL302@21:44', 'LL303@22:59', 'LL303@22:69', 'LL303@22:89']);
    const [mse, crossEntropy, uncalled, called] = allDiagnostics(analysis);
    assert.match(mse?.message ?? '', /Unknown loss mse.*'meanSquaredError'/);
    assert.match(crossEntropy?.message ?? '', /'binaryCrossentropy' or 'categoricalCrossentropy'/);
    assert.match(uncalled?.message ?? '', /`gamma` becomes a tensor/);
    assert.match(called?.message ?? '', /loss: mae/);
    assert.deepStrictEqual(analysis.losses.map((l) => [l.name, l.kind]), [['focal', 'factory'], ['mae', 'loss']]);
  });

  it("says a use-site mistake once in TypeScript, where TypeScript's own error at the property is left out, and checks the loss meant", () => {
    const { analysis } = analyzeFixture('mistakes-typed.ts');
    assert.deepStrictEqual(places(analysis), ['LL302@8:44', 'LL303@9:74']);
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['mae']);
  });

  it('fixes each use-site mistake with one edit, after which it is gone', () => {
    const { file, text } = analyzeFixture('mistakes.js');
    const expected: Record<string, RegExp> = {
      'LL300@16:44': /loss: 'meanSquaredError' \}\);\n {2}model\.compile\(\{ optimizer: 'adam', loss: 'meanSquaredError' \}\);/,
      'LL301@19:44': /loss: focal\(\) \}\);\n {2}model\.compile\(\{ optimizer: 'adam', loss: focal\(\) \}\);/,
      'LL302@21:44': /loss: mae \}\);\n {2}model\.compile\(\{ optimizer: 'adam', loss: mae, metrics/,
      'LL303@22:69': /metrics: \['recall', 'mse', focal,/,
    };
    for (const [place, pattern] of Object.entries(expected)) {
      const diagnostic = allDiagnostics(analyzer().analyze(file, text)).find((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}` === place) as Diagnostic;
      assert.ok(diagnostic, place);
      const [fix] = fixesFor(file, text, diagnostic);
      assert.ok(fix, `a fix for ${place}`);
      const fixed = applyEdits(text, fix.edits);
      assert.match(fixed, pattern, place);
      assert.ok(!places(analyzer().analyze(file, fixed)).includes(place), `${place} gone after "${fix.title}"`);
    }
    assert.deepStrictEqual([...FIXABLE_CODES].sort(), [...FIXER_CODES].sort());
  });

  it("takes the loss and metric names from tfjs-layers: each one compiles, and the names it rejects throw as tfjs does", async () => {
    // Other suites in this process may have registered a backend that is not ready: use cpu here.
    await tf.setBackend('cpu');
    const { compile } = loadTfjsRegistry();
    assert.ok(compile.losses.includes('meanSquaredError') && !compile.losses.includes('mse'));
    assert.ok(compile.metrics.includes('mse') && compile.metrics.includes('accuracy') && !compile.metrics.includes('meanSquaredError'));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    for (const loss of compile.losses) assert.doesNotThrow(() => model.compile({ optimizer: 'sgd', loss }), loss);
    for (const metric of compile.metrics) assert.doesNotThrow(() => model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: [metric] }), metric);
    assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'mse' }), /Unknown loss mse/);
    assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['meanSquaredError'] }), /Unknown metric/);
    assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['recall'] }), /Unknown metric/);
    model.dispose();
  });
});

describe('precision on real code', function () {
  this.timeout(60_000);

  it("raises nothing on losses written as tfjs-layers writes its own (defaulted fromLogits, a clip the line before the log)", () => {
    const { analysis } = analyzeFixture('layers-style.ts');
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['categoricalCrossentropy', 'binaryCrossentropy', 'poisson', 'kld', 'focal']);
    assert.deepStrictEqual(places(analysis), []);
  });

  it('takes metrics by their names (accuracy, precision, recall…) for metrics, not losses, unless compile uses one as the loss', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function binaryAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.equal(yTrue, tf.cast(tf.greater(yPred, 0.5), 'float32')), -1);
}
export function recall(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.div(tf.sum(tf.mul(yTrue, tf.round(yPred))), tf.add(tf.sum(yTrue), 1e-7));
}
export function accuracyLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.abs(tf.sub(yTrue, yPred)));
}
export function train(model: tf.LayersModel) {
  model.compile({ optimizer: 'adam', loss: recall, metrics: [binaryAccuracy] });
}`;
    const analysis = analyzer().analyze(path.join(FIXTURES, 'metrics.ts'), text);
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['accuracyLoss', 'recall']);
    assert.deepStrictEqual(places(analysis, ['LL204']), []);
  });

  it('type-checks with the standard library from the built CLI when a tsconfig names no lib (ES5 default lib.d.ts)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-lib-'));
    try {
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
      fs.writeFileSync(path.join(dir, 'loss.ts'), "import * as tf from '@tensorflow/tfjs';\nexport function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  const half = Math.max(0.5, Number('0.5'));\n  return tf.mul(half, tf.mean(tf.square(tf.sub(yTrue, yPred))));\n}\n");
      const out = execFileSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli.js'), 'check', '--static', '--json', path.join(dir, 'loss.ts')], { encoding: 'utf8' });
      const report = JSON.parse(out) as { summary: { errors: number } };
      assert.strictEqual(report.summary.errors, 0, out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves @tensorflow/tfjs-node and the other tfjs packages to the shipped declarations in a folder with no node_modules', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-node-'));
    try {
      const lines = ['tfjs-node', 'tfjs-node-gpu', 'tfjs-core', 'tfjs'].map(
        (pkg, i) => `import * as tf${i} from '@tensorflow/${pkg}';\nexport function mse${i}(yTrue: tf${i}.Tensor, yPred: tf${i}.Tensor): tf${i}.Tensor { return tf${i}.mean(tf${i}.square(tf${i}.sub(yTrue, yPred))); }`,
      );
      const file = path.join(dir, 'node.ts');
      const missing = path.join(dir, 'missing.ts');
      const analysis = new Analyzer().analyze(file, lines.join('\n'));
      assert.deepStrictEqual(allDiagnostics(analysis), []);
      assert.strictEqual(analysis.losses.length, 4);
      const other = new Analyzer().analyze(missing, `import { thing } from 'not-installed';\nexport const x = thing;`);
      assert.deepStrictEqual(allDiagnostics(other).map((d) => d.code), ['LL001']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies a tsconfig only to the files it includes; a loose file gets the loose defaults', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-include-'));
    try {
      fs.mkdirSync(path.join(dir, 'src'));
      fs.mkdirSync(path.join(dir, 'examples'));
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true }, include: ['src'] }));
      const text = "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\n";
      for (const sub of ['src', 'examples']) fs.writeFileSync(path.join(dir, sub, 'loss.ts'), text);
      const a = new Analyzer();
      const included = a.analyze(path.join(dir, 'src', 'loss.ts'), text);
      const excluded = a.analyze(path.join(dir, 'examples', 'loss.ts'), text);
      assert.deepStrictEqual(allDiagnostics(included).map((d) => d.message.match(/TS\d+/)?.[0]), ['TS7006', 'TS7006']);
      assert.deepStrictEqual(allDiagnostics(excluded), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves TypeScript's own errors to VS Code in files it checks, but keeps syntax errors and unchecked JavaScript", () => {
    const typeError = "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\nconst n: number = 'x';\n";
    const editor = { typeScriptErrors: 'unchecked-by-editor' as const };
    const ts1 = analyzer().analyze(path.join(FIXTURES, 'editor.ts'), typeError, editor);
    assert.deepStrictEqual(allDiagnostics(ts1), []);
    assert.deepStrictEqual(allDiagnostics(analyzer().analyze(path.join(FIXTURES, 'editor.ts'), typeError)).map((d) => d.code), ['LL001']);
    const syntax = analyzer().analyze(path.join(FIXTURES, 'editor.ts'), `${typeError}const broken = (;\n`, editor);
    assert.deepStrictEqual(allDiagnostics(syntax).map((d) => d.code), ['LL001']);
  });
});
