// The built CLI, run as a user runs it: `node dist/cli.js check …` (npm test builds first).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CheckReport } from '../../src/core/report';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ARTICLE = 'test/fixtures/article';

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('loss-lab check --static', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-cli-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  before(() => assert.ok(fs.existsSync(CLI), 'dist/cli.js exists: run npm run build first'));

  it('prints the JSON contract and exits 1 when a loss has an error', () => {
    const { code, stdout, stderr } = run('check', '--static', '--json', `${ARTICLE}/huber.js`, `${ARTICLE}/mse.js`);
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 1);
    const report = JSON.parse(stdout) as CheckReport;
    assert.deepStrictEqual(Object.keys(report), ['version', 'files', 'summary']);
    assert.strictEqual(report.version, 1);
    const [huber, mse] = report.files;
    assert.strictEqual(huber?.file, `${ARTICLE}/huber.js`);
    assert.deepStrictEqual(Object.keys(huber?.losses[0] ?? {}), ['name', 'kind', 'range', 'task', 'diagnostics', 'checks']);
    assert.deepStrictEqual(huber?.losses.map((l) => [l.name, l.kind, l.task]), [['huberLossWithThreshold', 'factory', 'regression']]);
    assert.deepStrictEqual(huber?.losses[0]?.diagnostics.map((d) => [d.code, d.severity, d.range]), [
      ['LL200', 'error', { start: { line: 7, character: 8 }, end: { line: 7, character: 23 } }],
    ]);
    assert.deepStrictEqual(huber?.losses[0]?.range.start, { line: 3, character: 0 });
    assert.deepStrictEqual(mse?.losses.map((l) => [l.name, l.diagnostics.length, l.checks.length]), [['meanSquaredError', 0, 0]]);
    assert.deepStrictEqual({ ...report.summary, ms: 0 }, { files: 2, losses: 2, errors: 1, warnings: 0, ms: 0, unreadable: 0 });
    assert.ok(report.summary.ms > 0);
  });

  it('prints file:line:col findings and a summary line, like a compiler', () => {
    const { code, stdout } = run('check', '--static', `${ARTICLE}/huber.js`, `${ARTICLE}/log-loss.js`, `${ARTICLE}/mae.js`, `${ARTICLE}/vae.js`);
    assert.strictEqual(code, 1);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^test\/fixtures\/article\/huber\.js:8:9 {2}LL200 {2}error {2}`withinThreshold` is a tensor used as a boolean/);
    assert.match(lines[1] ?? '', /^test\/fixtures\/article\/log-loss\.js:6:44 {2}LL001 {2}error {2}the file does not parse: ',' expected/);
    assert.match(lines[lines.length - 1] ?? '', /^4 files, 6 losses: 2 errors, 0 warnings \(\d+ ms\)$/);
  });

  it('exits 0 on clean files', () => {
    const { code, stdout } = run('check', '--static', `${ARTICLE}/mse.js`, `${ARTICLE}/mae.js`, `${ARTICLE}/vae.js`);
    assert.strictEqual(code, 0);
    assert.match(stdout, /^3 files, 5 losses: 0 errors, 0 warnings/m);
  });

  it('type-checks with its own tfjs declarations in a folder with no node_modules', () => {
    const file = path.join(tmp, 'typed.ts');
    fs.writeFileSync(file, "import * as tf from '@tensorflow/tfjs';\nexport function f(yTrue: string, yPred: tf.Tensor): tf.Tensor { return tf.abs(yPred); }\n");
    const report = JSON.parse(run('check', '--static', '--json', file).stdout) as CheckReport;
    assert.deepStrictEqual(report.files[0]?.losses[0]?.diagnostics.map((d) => d.code), ['LL101']);
  });

  describe('bad input gets a clear message and exit 2, never a stack trace', () => {
    const cases: Array<[string, () => string, RegExp]> = [
      ['a missing file', () => path.join(tmp, 'missing.ts'), /missing\.ts: no such file/],
      ['a folder with no loss file in it', () => fs.mkdtempSync(path.join(tmp, 'empty-')), /: no \.ts, \.js, \.mts, \.mjs file in it \(node_modules is skipped\)/],
      ['a glob that matches nothing', () => `${tmp}/**/*.nothing.ts`, /: no TypeScript or JavaScript file matches it/],
      ['a binary file', () => writeFile('binary.js', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), /is not a text file/],
      ['a file of 5 MB', () => writeFile('huge.ts', `// ${'x'.repeat(5 * 1024 * 1024)}\n`), /is 5\.0 MB; Loss Lab reads loss files of up to 1 MB/],
      ['a file that is not TypeScript or JavaScript', () => writeFile('notes.py', 'print(1)\n'), /is not a TypeScript or JavaScript file/],
    ];
    function writeFile(name: string, content: string | Buffer): string {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, content);
      return file;
    }
    for (const [what, file, message] of cases) {
      it(what, () => {
        const { code, stderr } = run('check', '--static', file(), `${ARTICLE}/mse.js`);
        assert.strictEqual(code, 2);
        assert.match(stderr, message);
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
      });
    }
  });

  it('says so for an empty file or a file with no loss, and exits 0', () => {
    const empty = path.join(tmp, 'empty.ts');
    fs.writeFileSync(empty, '');
    const helpers = path.join(tmp, 'helpers.js');
    fs.writeFileSync(helpers, 'export function scale(x, k) { return x * k; }\n');
    const { code, stdout } = run('check', '--static', empty, helpers);
    assert.strictEqual(code, 0);
    assert.match(stdout, /empty\.ts: no loss found/);
    assert.match(stdout, /helpers\.js: no loss found/);
  });

  it('answers files with no loss without loading TypeScript: cli.js alone, with no analyzer.js beside it', () => {
    const alone = path.join(tmp, 'alone');
    fs.mkdirSync(alone, { recursive: true });
    fs.copyFileSync(CLI, path.join(alone, 'cli.js'));
    const helpers = path.join(tmp, 'scale.ts');
    fs.writeFileSync(helpers, 'export function scale(x: number, k: number): number { return x * k; }\n');
    const none = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'check', '--static', helpers], { encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(none.status, 0, none.stderr);
    assert.match(none.stdout, /scale\.ts: no loss found/);
    // A file that may hold a loss needs the analysis: this copy cannot load it.
    const loss = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'check', '--static', `${ARTICLE}/mse.js`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(loss.status, 2);
    assert.match(loss.stderr, /Cannot find module '\.\/analyzer\.js'/);
  });

  it('rejects bad arguments with the usage and exit 2', () => {
    for (const args of [['frobnicate', 'x.ts'], ['check', '--task', 'clustering', 'x.ts'], ['check', '--timeout', '-5', 'x.ts'], ['check', '--reference', 'mse2', 'x.ts'], ['check'], ['check', '--colour', 'x.ts']]) {
      const { code, stderr } = run(...args);
      assert.strictEqual(code, 2, args.join(' '));
      assert.match(stderr, /^loss-lab: [^]+?\n\nusage: loss-lab check/, args.join(' '));
    }
  });
});

describe('loss-lab check (runtime checks)', function () {
  this.timeout(120_000);
  const RUNTIME = 'test/fixtures/runtime';

  it('runs the checks in the contract order, each with its ms, and keeps stdout pure JSON', () => {
    const { code, stdout } = run('check', '--json', `${RUNTIME}/correct.ts`);
    assert.strictEqual(code, 0, stdout);
    const report = JSON.parse(stdout) as CheckReport;
    const mse = report.files[0]?.losses.find((l) => l.name === 'mse');
    assert.ok(mse);
    assert.deepStrictEqual(
      mse.checks.map((c) => c.id),
      ['runs', 'returns-tensor', 'shape', 'broadcast', 'finite', 'finite-at-boundaries', 'zero-at-perfect', 'minimum-at-perfect', 'monotone', 'non-negative', 'gradient', 'gradient-finite', 'gradcheck', 'no-leak', 'deterministic', 'backends', 'fit', 'timeout'],
    );
    assert.ok(mse.checks.every((c) => c.status === 'pass' && typeof c.ms === 'number'), JSON.stringify(mse.checks));
  });

  it('--reference is a gate: a loss that differs from the built-in along the sweep exits 1, naming the worst point', () => {
    const article = run('check', '--json', '--reference', 'huber', 'examples/article.js');
    assert.strictEqual(article.code, 1);
    const huber = (JSON.parse(article.stdout) as CheckReport).files[0]?.losses.find((l) => l.name === 'huberLossWithThreshold');
    const reference = huber?.checks.find((c) => c.id === 'reference');
    assert.strictEqual(reference?.status, 'fail', JSON.stringify(reference));
    assert.match(reference?.message ?? '', /huber \(δ = 1\).*worst at residual -?5\.0: 12\.5 vs 4\.5/);
    const same = run('check', '--json', '--reference', 'mse', `${RUNTIME}/helpers.ts`);
    assert.strictEqual(same.code, 0, same.stdout);
  });

  it('--reference huber compares a factory with its own delta; huber:PARAM sets it', () => {
    const own = run('check', '--json', '--reference', 'huber', `${RUNTIME}/huber-delta.ts`);
    assert.strictEqual(own.code, 0, own.stdout);
    assert.match(own.stdout, /the same as huber \(δ = 1\.5\)/);
    const other = run('check', '--json', '--reference', 'huber:2', `${RUNTIME}/huber-delta.ts`);
    assert.strictEqual(other.code, 1);
    assert.match(other.stdout, /differs from huber \(δ = 2\)/);
    for (const bad of ['huber:', 'huber:x', 'mse:2', 'huber:1:2']) assert.strictEqual(run('check', '--reference', bad, 'x.ts').code, 2, bad);
  });

  it('groups checks under each loss with ✓ ! ✗ and exits 1 on a failed check', () => {
    const { code, stdout } = run('check', `${RUNTIME}/wrong.ts`);
    assert.strictEqual(code, 1);
    assert.match(stdout, /^test\/fixtures\/runtime\/wrong\.ts:\d+ {2}lessEqualHuber \(loss, regression\)$/m);
    assert.match(stdout, /^ {2}✗ gradient: tfjs cannot differentiate the loss: the kernel LessEqual has no gradient/m);
    assert.match(stdout, /^ {2}✓ runs: /m);
    assert.match(stdout, /^ {2}! non-negative/m);
    assert.match(stdout, /^ {2}- gradient-finite: tfjs cannot differentiate/m, 'a skip shows as a skip');
    assert.match(stdout, /\d+ errors?, \d+ warnings?, \d+ checks skipped \(\d+ ms\)\n$/);
  });

  it('stops a loss that overruns --timeout and still runs the others', () => {
    const { code, stdout } = run('check', '--json', '--timeout', '3000', `${RUNTIME}/hostile.js`);
    assert.strictEqual(code, 1);
    const losses = (JSON.parse(stdout) as CheckReport).files[0]?.losses ?? [];
    const byName = Object.fromEntries(losses.map((l) => [l.name, l.checks]));
    assert.strictEqual(byName.loopsForever?.find((c) => c.id === 'timeout')?.status, 'fail');
    assert.ok(byName.fine?.every((c) => c.status !== 'fail'), JSON.stringify(byName.fine));
  });
});
