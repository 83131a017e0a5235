// The editor's analysis worker, built as the extension ships it, stopped at its limits and replaced.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AnalysisClient, AnalysisStopped, DEFAULT_ANALYSIS_LIMITS } from '../../src/core/analyze/client';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'dist', 'analysis-worker.js');
const FILE = path.join(ROOT, 'test', 'fixtures', 'inline.ts');
const SMALL = "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\n";
/** TypeScript's checker takes far longer than the limit below on this (its name resolution walks each operand's ancestors). */
const SLOW = `import * as tf from '@tensorflow/tfjs';\nexport function slow(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return ${Array(10000).fill('yPred').join(' - ')};\n}\n`;

describe('the analysis worker', function () {
  this.timeout(60_000);
  before(() => assert.ok(fs.existsSync(WORKER), 'dist/analysis-worker.js exists: run npm run build first'));

  it('is stopped past its time limit, and a fresh worker answers the next request', async () => {
    const client = new AnalysisClient(WORKER, { ...DEFAULT_ANALYSIS_LIMITS, timeoutMs: 4000 });
    try {
      await assert.rejects(client.analyze(FILE, SLOW, { types: 'full' }), (error: Error) => error instanceof AnalysisStopped && /took over 4 s and was stopped/.test(error.message));
      const analysis = await client.analyze(FILE, SMALL, { types: 'off' });
      assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['mse']);
    } finally {
      client.dispose();
    }
  });

  it('is stopped when it runs out of its heap, and says so', async () => {
    const client = new AnalysisClient(WORKER, { ...DEFAULT_ANALYSIS_LIMITS, heapMb: 24 });
    try {
      await assert.rejects(client.analyze(FILE, SMALL, { types: 'full' }), (error: Error) => error instanceof AnalysisStopped && /ran out of its 24 MB of memory/.test(error.message));
    } finally {
      client.dispose();
    }
  });

  it('reports a file nested past the limit as one LL001, as the CLI does', async () => {
    const client = new AnalysisClient(WORKER);
    try {
      const deep = `import * as tf from '@tensorflow/tfjs';\nexport const deep = (yTrue: tf.Tensor, yPred: tf.Tensor) => ${'tf.abs('.repeat(5000)}yPred${')'.repeat(5000)};\n`;
      const analysis = await client.analyze(FILE, deep, { types: 'full' });
      assert.deepStrictEqual(analysis.diagnostics.map((d) => d.code), ['LL001']);
      assert.match(analysis.diagnostics[0]?.message ?? '', /nested too deeply/);
    } finally {
      client.dispose();
    }
  });
});
