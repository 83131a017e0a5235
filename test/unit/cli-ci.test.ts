// The built CLI as CI runs it: folders and globs, the SARIF, GitHub and JSON formats, and files
// that cannot be read, which are reported in every format and exit 2.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import type { CheckReport } from '../../src/core/report';
import { CHECK_IDS } from '../../src/core/report';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small repository: losses at several depths, node_modules, a .gitignore'd build folder. */
function makeRepo(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-ci-'));
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  };
  const huber = fs.readFileSync(path.join(ROOT, 'test/fixtures/article/huber.js'), 'utf8');
  const mse = fs.readFileSync(path.join(ROOT, 'test/fixtures/article/mse.js'), 'utf8');
  fs.mkdirSync(path.join(repo, '.git'));
  write('.gitignore', 'out/\n*.generated.ts\n');
  write('src/losses/huber.js', huber);
  write('src/losses/mse.mjs', "import * as tf from '@tensorflow/tfjs';\n\nexport function meanSquaredError(yTrue, yPred) {\n  return tf.mean(tf.square(tf.sub(yPred, yTrue)));\n}\n");
  write('src/deep/a/b/c/mse.ts', mse);
  write('src/notes.md', '# not a loss\n');
  write('src/losses/skip.generated.ts', huber);
  write('src/vendor/.gitignore', '*.js\n!keep.js\n');
  write('src/vendor/drop.js', huber);
  write('src/vendor/keep.js', mse);
  write('out/huber.js', huber);
  write('node_modules/pkg/huber.js', huber);
  write('checks/wrong.ts', fs.readFileSync(path.join(ROOT, 'test/fixtures/runtime/wrong.ts'), 'utf8'));
  write('src/node_modules/pkg/huber.ts', huber);
  return repo;
}

describe('loss-lab check in CI', function () {
  this.timeout(120_000);
  let repo: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js exists: run npm run build first');
    repo = makeRepo();
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('walks a folder for .ts, .js, .mts and .mjs, skipping node_modules and what .gitignore files ignore, and says how many it looked at', () => {
    const { code, stdout, stderr } = run(repo, 'check', '--static', '--json', 'src');
    assert.strictEqual(code, 1, stderr);
    const report = JSON.parse(stdout) as CheckReport;
    assert.deepStrictEqual(
      report.files.map((f) => f.file),
      ['src/deep/a/b/c/mse.ts', 'src/losses/huber.js', 'src/losses/mse.mjs', 'src/vendor/keep.js'],
    );
    assert.strictEqual(report.summary.files, 4);
    assert.match(stderr, /^loss-lab: src: 4 files; node_modules and 2 paths a \.gitignore ignores skipped\n$/);
  });

  it('reads the .gitignore of the repository root when given a folder below it', () => {
    const { stdout } = run(path.join(repo, 'src'), 'check', '--static', '--json', 'losses');
    assert.deepStrictEqual((JSON.parse(stdout) as CheckReport).files.map((f) => f.file), ['losses/huber.js', 'losses/mse.mjs']);
  });

  it('expands globs, each file once, and takes a named file even where .gitignore ignores it', () => {
    const { code, stdout } = run(repo, 'check', '--static', '--json', 'src/**/*.js', 'src/losses/huber.js', 'out/huber.js');
    assert.strictEqual(code, 1);
    assert.deepStrictEqual((JSON.parse(stdout) as CheckReport).files.map((f) => f.file), ['src/losses/huber.js', 'src/vendor/keep.js', 'out/huber.js']);
  });

  it('lists an unreadable file in the JSON with its reason, still exits 2, and prints no stack trace', () => {
    fs.writeFileSync(path.join(repo, 'binary.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    const { code, stdout, stderr } = run(repo, 'check', '--static', '--json', 'src/losses/mse.mjs', 'missing.ts', 'binary.ts');
    assert.strictEqual(code, 2);
    const report = JSON.parse(stdout) as CheckReport;
    assert.deepStrictEqual(
      report.files.map((f) => [f.file, f.unreadable]),
      [
        ['src/losses/mse.mjs', undefined],
        ['missing.ts', 'missing.ts: no such file'],
        ['binary.ts', 'binary.ts is not a text file (it contains NUL bytes)'],
      ],
    );
    assert.deepStrictEqual({ ...report.summary, ms: 0 }, { files: 1, losses: 1, errors: 0, warnings: 0, ms: 0, unreadable: 2 });
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('prints GitHub workflow commands, escaped, one per finding', () => {
    const { code, stdout } = run(repo, 'check', '--static', '--format', 'github', 'src/losses', 'missing.ts');
    assert.strictEqual(code, 2);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^::error file=src\/losses\/huber\.js,line=8,col=9,endLine=8,endColumn=24,title=LL200::`withinThreshold` is a tensor used as a boolean/);
    assert.strictEqual(lines[1], '::error file=missing.ts,title=Loss Lab%3A unreadable file::missing.ts: no such file');
    assert.strictEqual(lines[2], 'Loss Lab: 2 files, 2 losses: 1 errors, 0 warnings, 1 unreadable');
  });

  it('rejects an unknown format and --json with another format, with exit 2', () => {
    assert.strictEqual(run(repo, 'check', '--format', 'xml', 'src').code, 2);
    const both = run(repo, 'check', '--json', '--format', 'sarif', 'src');
    assert.strictEqual(both.code, 2);
    assert.match(both.stderr, /--json is --format json: it cannot go with --format sarif/);
  });

  describe('SARIF', () => {
    let log: Sarif.Log;
    let code: number | null;
    before(() => {
      const result = run(repo, 'check', '--format', 'sarif', 'src/losses', 'checks/wrong.ts', 'missing.ts');
      code = result.code;
      log = JSON.parse(result.stdout) as Sarif.Log;
    });

    it('validates against the SARIF 2.1.0 schema', () => {
      // The schema Microsoft's SARIF SDK ships (draft-04, as it is written).
      const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
      // Its patterns are ECMAScript regular expressions without the u flag (one has a stray bracket).
      const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
      addFormats(ajv);
      const validate = ajv.compile(schema);
      assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: '\n' }));
      assert.strictEqual(code, 2);
    });

    it('has one rule per diagnostic code and check id, each with its help link', () => {
      const rules = log.runs[0]?.tool.driver.rules ?? [];
      const ids = rules.map((r) => r.id);
      assert.ok(ids.includes('LL001') && ids.includes('LL204') && ids.includes('LL303'));
      for (const id of CHECK_IDS) assert.ok(ids.includes(id), id);
      assert.strictEqual(new Set(ids).size, ids.length);
      for (const rule of rules) assert.match(rule.helpUri ?? '', /^https:\/\/github\.com\/[^#]+#(ll\d{3}|runtime-checks)$/, rule.id);
    });

    it('puts a diagnostic at its exact region, 1-based, and a failed check at its loss', () => {
      const results = log.runs[0]?.results ?? [];
      const ll200 = results.find((r) => r.ruleId === 'LL200');
      assert.deepStrictEqual(ll200?.locations?.[0]?.physicalLocation, {
        artifactLocation: { uri: 'src/losses/huber.js', uriBaseId: 'SRCROOT' },
        region: { startLine: 8, startColumn: 9, endLine: 8, endColumn: 24 },
      });
      assert.strictEqual(ll200?.level, 'error');
      const rules = log.runs[0]?.tool.driver.rules ?? [];
      assert.strictEqual(rules[ll200?.ruleIndex ?? -1]?.id, 'LL200');
      const failed = results.find((r) => r.ruleId === 'gradient' && r.locations?.[0]?.logicalLocations?.[0]?.name === 'lessEqualHuber');
      assert.strictEqual(failed?.level, 'error');
      assert.match(failed?.message.text ?? '', /^lessEqualHuber: .*LessEqual/);
      assert.deepStrictEqual(failed?.locations?.[0]?.physicalLocation?.artifactLocation, { uri: 'checks/wrong.ts', uriBaseId: 'SRCROOT' });
      assert.strictEqual(failed?.locations?.[0]?.physicalLocation?.region?.startLine, 17);
      const mse = results.filter((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'src/losses/mse.mjs');
      assert.deepStrictEqual(mse.map((r) => r.ruleId), [], 'a correct MSE has no result: passes and skips are not results');
    });

    it('reports an unreadable file as a tool execution notification with its reason', () => {
      const invocation = log.runs[0]?.invocations?.[0];
      assert.strictEqual(invocation?.executionSuccessful, false);
      assert.deepStrictEqual(invocation?.toolExecutionNotifications?.map((n) => [n.message.text, n.locations?.[0]?.physicalLocation?.artifactLocation?.uri]), [
        ['missing.ts: no such file', 'missing.ts'],
      ]);
    });
  });
});
