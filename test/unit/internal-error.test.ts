// An internal error while checking one file: exit 2, one line naming the file, the other files reported.
// No input is known to cause one (each found was fixed), so the analyzer is made to fail on one file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCheck } from '../../src/cli';
import { Analyzer, type AnalyzeOptions, type FileAnalysis, type SourceText } from '../../src/core/analyze';
import type { CheckReport } from '../../src/core/report';

class FailingOn extends Analyzer {
  constructor(private readonly failing: string) {
    super();
  }

  override analyzeFiles(files: readonly SourceText[], options?: AnalyzeOptions): FileAnalysis[] {
    if (files.some((f) => f.file === this.failing)) throw new TypeError("Cannot read properties of undefined (reading 'kind')");
    return super.analyzeFiles(files, options);
  }
}

describe('an internal error in one file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-internal-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with one line on stderr, no stack trace, and reports the other files', async () => {
    const loss = "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\n";
    const [bad, good] = [path.join(dir, 'bad.ts'), path.join(dir, 'good.ts')];
    fs.writeFileSync(bad, loss);
    fs.writeFileSync(good, loss);
    let stdout = '';
    let stderr = '';
    const options = { format: 'json' as const, static: true, task: 'auto' as const, seed: 1, timeoutMs: 5000, files: [bad, good] };
    const code = await runCheck(options, (t) => (stdout += t), (t) => (stderr += t), new FailingOn(bad));
    assert.strictEqual(code, 2);
    assert.strictEqual(stderr.split('\n').filter(Boolean).length, 1, stderr);
    assert.match(stderr, /^loss-lab: internal error while checking .*bad\.ts: TypeError: Cannot read properties of undefined/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    const report = JSON.parse(stdout) as CheckReport;
    assert.deepStrictEqual(report.files.map((f) => [path.basename(f.file), f.losses.map((l) => l.name)]), [['good.ts', ['mse']]]);
  });
});
