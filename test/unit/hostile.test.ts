// Hostile files against the built CLI, run as a user runs it, under a wall-clock and a memory cap:
// deep nesting, project files that are not regular files, files over 1 MB. Each must be reported
// with a clear message, and never cost another file its report.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CheckReport, FileReport } from '../../src/core/report';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/** 2 GB of address space: a read of /dev/zero that is not refused fails the run instead of filling the machine. */
const MEMORY_CAP = ['prlimit', `--as=${2 * 1024 ** 3}`, '--'];

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const capped = fs.existsSync('/usr/bin/prlimit') ? MEMORY_CAP : [];
  const [command, ...rest] = [...capped, process.execPath, CLI, ...args] as [string, ...string[]];
  const result = spawnSync(command, rest, { cwd, encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function loss(body: string): string {
  return `import * as tf from '@tensorflow/tfjs';\nexport function deep(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  const a = yPred;\n  return ${body};\n}\n`;
}

const GOOD = `import * as tf from '@tensorflow/tfjs';\nexport function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return tf.mean(tf.square(tf.sub(yTrue, yPred)));\n}\n`;

/** The depths the torture run crashed at, ten times over. */
const DEEP: Record<string, string> = {
  'calls.ts': loss(`${'tf.abs('.repeat(4100)}a${')'.repeat(4100)}`),
  'chain.ts': loss(`a${'.abs()'.repeat(6050)}`),
  'objects.ts': loss(`a; const o = ${'{x:'.repeat(5370)}1${'}'.repeat(5370)}`),
  'parens.ts': loss(`${'('.repeat(7320)}a${')'.repeat(7320)}`),
  'arrays.js': `exports.deep = (yTrue, yPred) => ${'['.repeat(20000)}yPred${']'.repeat(20000)};\n`,
};

function fileReport(report: CheckReport, name: string): FileReport {
  const found = report.files.find((f) => f.file === name);
  assert.ok(found, `${name} is reported`);
  return found;
}

describe('hostile files', function () {
  this.timeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-hostile-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  before(() => assert.ok(fs.existsSync(CLI), 'dist/cli.js exists: run npm run build first'));

  it('reports a file nested too deeply as one LL001, and every other file as usual', () => {
    const dir = path.join(tmp, 'deep');
    fs.mkdirSync(dir);
    for (const [name, text] of Object.entries({ ...DEEP, 'good.ts': GOOD })) fs.writeFileSync(path.join(dir, name), text);
    const names = [...Object.keys(DEEP), 'good.ts'];
    const { code, stdout, stderr } = run(dir, 'check', '--static', '--json', ...names);
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 1);
    const report = JSON.parse(stdout) as CheckReport;
    for (const name of Object.keys(DEEP)) {
      const file = fileReport(report, name);
      assert.deepStrictEqual(file.losses, [], name);
      assert.deepStrictEqual(file.diagnostics.map((d) => d.code), ['LL001'], name);
      assert.match(file.diagnostics[0]?.message ?? '', /nested too deeply to analyse/);
      // On the line of the deep expression, not at the top of the file.
      assert.strictEqual(file.diagnostics[0]?.range.start.line, name.endsWith('.js') ? 0 : 3, name);
    }
    const good = fileReport(report, 'good.ts');
    assert.deepStrictEqual(good.losses.map((l) => [l.name, l.diagnostics.length]), [['mse', 0]]);
  });

  it('lints a 2,500-term chain (past where its own walk overflowed) and reports every operator', () => {
    const dir = path.join(tmp, 'chain');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'minus.ts'), loss(Array(2500).fill('a').join(' - ')));
    const { code, stdout, stderr } = run(dir, 'check', '--static', '--json', 'minus.ts');
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 1);
    const [file] = (JSON.parse(stdout) as CheckReport).files;
    const codes = file?.losses[0]?.diagnostics.map((d) => d.code) ?? [];
    assert.strictEqual(codes.filter((c) => c === 'LL201').length, 2499);
  });

  it('analyses real code fully: tfjs-layers\' own losses, the examples', () => {
    const files = [path.join(ROOT, 'node_modules/@tensorflow/tfjs-layers/dist/losses.js'), ...fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /\.[jt]s$/.test(f)).map((f) => path.join(ROOT, 'examples', f))];
    const { stdout, stderr } = run(ROOT, 'check', '--static', '--json', ...files);
    assert.strictEqual(stderr, '');
    const report = JSON.parse(stdout) as CheckReport;
    assert.strictEqual(report.files.length, files.length);
    const all = report.files.flatMap((f) => [...f.diagnostics, ...f.losses.flatMap((l) => l.diagnostics)]);
    assert.deepStrictEqual(all.filter((d) => /nested too deeply|not read/.test(d.message)), []);
    assert.ok(report.summary.losses > 10);
  });

  describe('project files that are not regular files', () => {
    const fifos = process.platform !== 'win32';

    function project(name: string, files: Record<string, string>): string {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir);
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
      return dir;
    }

    it('refuses a tsconfig whose extends is a symlink to /dev/zero, names it, and still reports the file', function () {
      if (!fifos) this.skip();
      const dir = project('zero', { 'tsconfig.json': JSON.stringify({ extends: './base.json' }), 'good.ts': GOOD });
      fs.symlinkSync('/dev/zero', path.join(dir, 'base.json'));
      const { code, stdout, stderr } = run(dir, 'check', '--static', '--json', 'good.ts');
      assert.strictEqual(stderr, '');
      assert.strictEqual(code, 1);
      const file = fileReport(JSON.parse(stdout) as CheckReport, 'good.ts');
      assert.deepStrictEqual(file.losses.map((l) => l.name), ['mse']);
      const messages = file.diagnostics.map((d) => `${d.code} ${d.message}`);
      assert.ok(messages.some((m) => /^LL001 .*base\.json is a character device, not a regular file/.test(m)), messages.join('\n'));
    });

    it('refuses a tsconfig that is a FIFO, without waiting for a writer', function () {
      if (!fifos) this.skip();
      const dir = project('fifo', { 'good.ts': GOOD });
      spawnSync('mkfifo', [path.join(dir, 'tsconfig.json')]);
      const { code, stdout } = run(dir, 'check', '--static', '--json', 'good.ts');
      assert.strictEqual(code, 1);
      const file = fileReport(JSON.parse(stdout) as CheckReport, 'good.ts');
      assert.deepStrictEqual(file.losses.map((l) => l.name), ['mse']);
      assert.ok(file.diagnostics.some((d) => /tsconfig\.json is a named pipe \(FIFO\), not a regular file/.test(d.message)));
    });

    it('does not read an imported module that is a FIFO or over 1 MB', function () {
      if (!fifos) this.skip();
      const importer = `import * as tf from '@tensorflow/tfjs';\nimport { k } from './pipe';\nimport { big } from './big';\nexport function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return tf.mean(tf.square(tf.sub(yTrue, yPred))).mul(k + big);\n}\n`;
      const dir = project('imports', { 'uses.ts': importer, 'big.ts': `export const big = 1;\n${'// padding\n'.repeat(120_000)}` });
      spawnSync('mkfifo', [path.join(dir, 'pipe.ts')]);
      const { code, stdout } = run(dir, 'check', '--static', '--json', 'uses.ts');
      assert.strictEqual(code, 1);
      const file = fileReport(JSON.parse(stdout) as CheckReport, 'uses.ts');
      assert.deepStrictEqual(file.losses.map((l) => l.name), ['mse']);
      const messages = [...file.diagnostics, ...file.losses.flatMap((l) => l.diagnostics)].map((d) => d.message).join('\n');
      assert.match(messages, /pipe\.ts is a named pipe \(FIFO\), not a regular file: not read/);
      assert.match(messages, /big\.ts is 1\.\d MB, over the 1 MB Loss Lab reads: not read/);
    });

    it('names a FIFO or a device given on the command line, exit 2, and reports the other files', function () {
      if (!fifos) this.skip();
      const dir = project('args', { 'good.ts': GOOD });
      spawnSync('mkfifo', [path.join(dir, 'pipe.ts')]);
      fs.symlinkSync('/dev/zero', path.join(dir, 'zero.ts'));
      const { code, stdout, stderr } = run(dir, 'check', '--static', '--json', 'pipe.ts', 'zero.ts', 'good.ts');
      assert.strictEqual(code, 2);
      assert.match(stderr, /pipe\.ts is not a regular file/);
      assert.match(stderr, /zero\.ts is not a regular file/);
      const files = (JSON.parse(stdout) as CheckReport).files;
      assert.deepStrictEqual(
        files.map((f) => [f.file, f.unreadable?.replace(/^.*(not a regular file).*$/, '$1'), f.losses.length]),
        [
          ['pipe.ts', 'not a regular file', 0],
          ['zero.ts', 'not a regular file', 0],
          ['good.ts', undefined, 1],
        ],
      );
    });
  });
});
