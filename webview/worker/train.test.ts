import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { referenceLoss } from '../../src/core/checks/reference';
import { makeDataset, type Dataset } from './datasets';
import { METRIC_NAME, TrainingRun, type EpochReport, type LossFn } from './train';

const mse: LossFn = (t, p) => tf.mean(tf.square(tf.sub(t, p)));
const mae: LossFn = (t, p) => tf.mean(tf.abs(tf.sub(t, p)));
/** Per-sample ([batch]) MSE, as tfjs-layers' losses return it. */
const perSampleMse: LossFn = (t, p) => tf.mean(tf.square(tf.sub(t, p)), -1);
/** The square root of a negative number: NaN loss and NaN gradients (log would give NaN with finite gradients). */
const nanLoss: LossFn = (t, p) => tf.mean(tf.sqrt(tf.sub(tf.sub(t, p), 1000)));
/** tf.where on a comparison: LessEqual has no gradient, so the backward pass throws. */
const noGradient: LossFn = (t, p) => tf.mean(tf.where(tf.lessEqual(p, t), tf.square(tf.sub(t, p)), tf.abs(tf.sub(t, p))));

async function train(config: ConstructorParameters<typeof TrainingRun>[0], epochs: number): Promise<EpochReport[]> {
  const run = new TrainingRun(config);
  try {
    const reports: EpochReport[] = [];
    for (let i = 0; i < epochs; i++) reports.push(await run.runEpoch());
    return reports;
  } finally {
    run.dispose();
  }
}

const last = (reports: EpochReport[]): EpochReport => {
  const report = reports[reports.length - 1];
  assert.ok(report, 'at least one epoch');
  return report;
};

/** MSE of "the trend plus the best constant": about what least squares can reach on outliers. */
function shiftedTrendMse(d: Dataset): number {
  const residual = Array.from(d.y, (y, i) => y - (d.clean?.[i] as number));
  const shift = residual.reduce((s, r) => s + r, 0) / d.n;
  return residual.reduce((s, r) => s + (r - shift) ** 2, 0) / d.n;
}

describe('mini training', () => {
  const outliers = makeDataset('outliers');

  before(async () => {
    await tf.setBackend('cpu');
  });

  it('trains both models identically when the two losses are the same', async () => {
    const reports = await train({ dataset: outliers, userLoss: mse, baselineLoss: mse, seed: 3 }, 5);
    for (const r of reports) {
      assert.deepEqual(r.user, r.baseline, `epoch ${r.epoch}`);
      assert.deepEqual(r.grid.user, r.grid.baseline, `epoch ${r.epoch}`);
    }
    assert.deepEqual(reports.map((r) => r.epoch), [1, 2, 3, 4, 5]);
  });

  it('reduces a per-sample ([batch]) loss by its mean, as model.fit does', async () => {
    const final = last(await train({ dataset: outliers, userLoss: perSampleMse, baselineLoss: mse }, 5));
    assert.ok(Math.abs(final.user.loss - final.baseline.loss) <= 1e-4 * final.baseline.loss, `${final.user.loss} vs ${final.baseline.loss}`);
    assert.ok(Math.abs(final.user.metric - final.baseline.metric) <= 1e-3, `${final.user.metric} vs ${final.baseline.metric}`);
  });

  it('repeats a run exactly for the same seed and differs for another', async () => {
    const run = (seed: number): Promise<EpochReport[]> => train({ dataset: outliers, userLoss: mae, baselineLoss: mse, seed }, 2);
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    const numbers = (rs: EpochReport[]): unknown => rs.map(({ ms: _ms, ...rest }) => rest);
    assert.deepEqual(numbers(a), numbers(b));
    assert.notDeepEqual(numbers(a), numbers(c));
  });

  it('brings the MSE loss on outliers down to the least-squares floor within 30 epochs', async () => {
    const reports = await train({ dataset: outliers, userLoss: mse, baselineLoss: mse }, 30);
    const [first, final] = [reports[0], last(reports)];
    assert.ok(first);
    const floor = shiftedTrendMse(outliers);
    // The outliers keep the MSE near 2.7 whatever the fit, so the loss cannot halve: what falls is
    // its excess over the floor (0.6 in epoch 1, which already trains, on seed 1).
    assert.ok(final.user.loss - floor < 0.25 * (first.user.loss - floor), `loss ${first.user.loss} → ${final.user.loss}, floor ${floor}`);
    assert.ok(final.user.loss < 1.02 * floor, `loss ${final.user.loss}, floor ${floor}`);
  });

  it('on outliers, MAE fits the inliers\' trend at least 3× closer than MSE', async () => {
    for (const seed of [1, 2]) {
      const dataset = makeDataset('outliers', { seed });
      const final = last(await train({ dataset, userLoss: mae, baselineLoss: mse, seed }, 20));
      assert.ok(final.user.metric * 3 < final.baseline.metric, `seed ${seed}: MAE ${final.user.metric}, MSE ${final.baseline.metric}`);
      // MSE is dragged upward, toward the outliers, everywhere on the grid.
      const above = final.grid.baseline.filter((v, i) => v > (final.grid.user[i] as number)).length;
      assert.ok(above > 0.9 * final.grid.baseline.length, `MSE above MAE at ${above} of ${final.grid.baseline.length} grid points`);
    }
    assert.equal(METRIC_NAME.regression, "MAE to the inliers' trend");
  });

  it('separates the moons with BCE, past what a straight boundary reaches (accuracy > 0.9 within 50 epochs)', async () => {
    const bce = referenceLoss('bce');
    // Seed 1 sits at a near-linear boundary (0.87–0.895) from epoch 2 to about 40, then bends it.
    const final = last(await train({ dataset: makeDataset('moons'), userLoss: bce, baselineLoss: bce }, 50));
    assert.ok(final.user.metric > 0.9, `accuracy ${final.user.metric}`);
    assert.equal(METRIC_NAME.binary, 'accuracy');
  });

  it('separates the spirals with CCE on one-hot labels and sparse CCE on class indices (accuracy > 0.7 within 25 epochs)', async () => {
    const oneHot = last(await train({ dataset: makeDataset('spirals'), userLoss: referenceLoss('cce'), baselineLoss: referenceLoss('cce') }, 25));
    assert.ok(oneHot.user.metric > 0.7, `one-hot accuracy ${oneHot.user.metric}`);
    const sparseLoss = referenceLoss('sparse-cce');
    const sparse = last(await train({ dataset: makeDataset('spirals', { labels: 'sparse' }), userLoss: sparseLoss, baselineLoss: sparseLoss }, 25));
    assert.ok(sparse.user.metric > 0.7, `sparse accuracy ${sparse.user.metric}`);
  });

  it('reports 64 fitted values over [-1.2, 1.2] for regression and 24 × 24 classes over the padded box for classification', async () => {
    const regression = last(await train({ dataset: outliers, userLoss: mse, baselineLoss: mae }, 1)).grid;
    assert.equal(regression.xs?.length, 64);
    assert.deepEqual([regression.xs?.[0], regression.xs?.[63]], [-1.2, 1.2]);
    assert.equal(regression.user.length, 64);
    assert.equal(regression.baseline.length, 64);

    const moons = makeDataset('moons');
    const grid = last(await train({ dataset: moons, userLoss: mse, baselineLoss: mse }, 1)).grid;
    assert.equal(grid.user.length, 576);
    assert.equal(grid.baseline.length, 576);
    assert.ok(grid.user.every((c) => c === 0 || c === 1));
    const xs = Array.from({ length: moons.n }, (_, i) => moons.x[2 * i] as number);
    const [low, high] = [Math.min(...xs), Math.max(...xs)];
    assert.ok(Math.abs((grid.bounds?.xMin as number) - (low - 0.1 * (high - low))) < 1e-9);

    const spirals = last(await train({ dataset: makeDataset('spirals'), userLoss: mse, baselineLoss: mse, gridSize: 10 }, 1)).grid;
    assert.equal(spirals.user.length, 100);
    assert.ok(spirals.user.every((c) => c === 0 || c === 1 || c === 2));
  });

  it('reads tensor data once per epoch (each read is a GPU round trip on webgl)', async () => {
    // The cpu backend's own kernels read their inputs; what costs on webgl is a read from our code.
    const methods = ['data', 'dataSync', 'array', 'arraySync', 'buffer', 'bufferSync'] as const;
    const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const originals = methods.map((m) => proto[m] as (...args: unknown[]) => unknown);
    let reads = 0;
    methods.forEach((m, i) => {
      proto[m] = function (this: unknown, ...args: unknown[]) {
        reads++;
        return (originals[i] as (...a: unknown[]) => unknown).apply(this, args);
      };
    });
    const run = new TrainingRun({ dataset: makeDataset('moons'), userLoss: referenceLoss('bce'), baselineLoss: mse });
    try {
      for (let i = 0; i < 3; i++) await run.runEpoch();
      assert.equal(reads, 3);
    } finally {
      methods.forEach((m, i) => (proto[m] = originals[i] as (...args: unknown[]) => unknown));
      run.dispose();
    }
  });

  it('holds no more tensors after epoch 5 than after epoch 2, and frees them all on dispose', async () => {
    const before = tf.memory().numTensors;
    const run = new TrainingRun({ dataset: makeDataset('spirals', { labels: 'sparse' }), userLoss: referenceLoss('sparse-cce'), baselineLoss: mae });
    await run.runEpoch();
    await run.runEpoch();
    const afterTwo = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run.runEpoch();
    assert.equal(tf.memory().numTensors, afterTwo);
    run.dispose();
    run.dispose();
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(run.runEpoch(), /after dispose/);
  });

  it('keeps training when the user\'s loss is NaN, and reports NaN for that model only', async () => {
    const reports = await train({ dataset: makeDataset('moons'), userLoss: nanLoss, baselineLoss: referenceLoss('bce') }, 3);
    const final = last(reports);
    assert.equal(reports.length, 3);
    assert.ok(Number.isNaN(final.user.loss));
    assert.ok(Number.isNaN(final.user.metric));
    assert.ok(final.grid.user.every(Number.isNaN));
    assert.ok(Number.isFinite(final.baseline.loss) && final.baseline.metric > 0.5);
    assert.ok(final.grid.baseline.every((c) => c === 0 || c === 1));
  });

  it('rejects with "your loss: " and the original message when the user\'s gradient throws, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const run = new TrainingRun({ dataset: outliers, userLoss: noGradient, baselineLoss: mse });
    const held = tf.memory().numTensors;
    await assert.rejects(run.runEpoch(), (error: Error) => {
      assert.match(error.message, /^your loss: .*gradient function not found for LessEqual/);
      return true;
    });
    assert.equal(tf.memory().numTensors, held);
    run.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects with "the baseline: " when the baseline throws after the user\'s step, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const broken: LossFn = () => {
      throw new Error('boom');
    };
    const run = new TrainingRun({ dataset: outliers, userLoss: mse, baselineLoss: broken });
    await assert.rejects(run.runEpoch(), { message: 'the baseline: boom' });
    run.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects settings that cannot train, naming them', () => {
    assert.throws(() => new TrainingRun({ dataset: outliers, userLoss: mse, baselineLoss: mse, batchSize: 0 }), /TrainingRun: batchSize must be an integer ≥ 1/);
    assert.throws(() => new TrainingRun({ dataset: outliers, userLoss: mse, baselineLoss: mse, hidden: [8, 0] }), /TrainingRun: hidden must hold positive integers/);
    assert.throws(() => new TrainingRun({ dataset: outliers, userLoss: mse, baselineLoss: mse, learningRate: -1 }), /TrainingRun: learningRate must be positive/);
  });
});
