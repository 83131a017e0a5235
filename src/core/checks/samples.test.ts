import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { TASKS, type Task } from '../report';
import { DEFAULT_BATCH, samplesFor, toTensor, type SamplePair, type SampleTensor, type TaskSamples } from './samples';

/** [yTrue shape, yPred shape] per task for a batch of b (DESIGN.md "Task presets"). */
const SHAPES: Record<Task, (b: number) => [number[], number[]]> = {
  regression: (b) => [[b, 4], [b, 4]],
  binary: (b) => [[b, 1], [b, 1]],
  categorical: (b) => [[b, 5], [b, 5]],
  sparse: (b) => [[b, 1], [b, 5]],
  segmentation: (b) => [[b, 16, 16, 1], [b, 16, 16, 1]],
};
const PROBABILITY_TASKS = ['binary', 'categorical', 'sparse', 'segmentation'] as const;

function rows(t: SampleTensor): number[][] {
  const cols = t.shape[t.shape.length - 1] as number;
  return Array.from({ length: t.values.length / cols }, (_, r) => Array.from(t.values.subarray(r * cols, (r + 1) * cols)));
}

function pairs(s: TaskSamples): SamplePair[] {
  return [s.typical, s.perfect, ...s.alternatives, ...s.boundaries, s.scales];
}

/** Every array of every pair, as bytes: "bit-identical" means exactly this. */
function bytes(s: TaskSamples): Buffer {
  return Buffer.concat(pairs(s).flatMap((p) => [p.yTrue, p.yPred].map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength))));
}

/** The one-hot rows of sparse labels, worked out here from the class numbers. */
function oneHot(classes: Float32Array, depth: number): number[][] {
  return Array.from(classes, (c) => Array.from({ length: depth }, (_, k) => (k === c ? 1 : 0)));
}

describe('task presets', () => {
  for (const task of TASKS) {
    it(`${task}: every pair has the contract's shapes, batch ${DEFAULT_BATCH} by default and as asked otherwise`, () => {
      for (const batch of [undefined, 1, 9]) {
        const s = samplesFor(task, batch === undefined ? {} : { batch });
        const [trueShape, predShape] = SHAPES[task](batch ?? DEFAULT_BATCH);
        assert.strictEqual(s.task, task);
        for (const p of pairs(s)) {
          assert.deepStrictEqual([p.yTrue.shape, p.yPred.shape], [trueShape, predShape], `${p.name}, batch ${batch}`);
          const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
          assert.deepStrictEqual([p.yTrue.values.length, p.yPred.values.length], [size(trueShape), size(predShape)], p.name);
          assert.ok(p.yPred.values.every(Number.isFinite) && p.yTrue.values.every(Number.isFinite), `${p.name} is finite`);
        }
      }
    });

    it(`${task}: the same seed gives bit-identical arrays, another seed other arrays`, () => {
      const a = bytes(samplesFor(task, { seed: 7 }));
      assert.strictEqual(Buffer.compare(bytes(samplesFor(task, { seed: 7 })), a), 0);
      assert.notStrictEqual(Buffer.compare(bytes(samplesFor(task, { seed: 8 })), a), 0);
      assert.notStrictEqual(Buffer.compare(bytes(samplesFor(task, { seed: 0 })), a), 0);
    });

    it(`${task}: the perfect prediction equals the labels in prediction space, and no alternative does`, () => {
      const s = samplesFor(task, { seed: 3 });
      const expected = task === 'sparse' ? oneHot(s.perfect.yTrue.values, 5) : rows(s.perfect.yTrue);
      assert.deepStrictEqual(rows(s.perfect.yPred), expected);
      for (const alt of s.alternatives) {
        assert.deepStrictEqual(alt.yTrue, s.perfect.yTrue, `${alt.name} has the same labels`);
        assert.notDeepStrictEqual(rows(alt.yPred), expected, alt.name);
      }
      assert.notDeepStrictEqual(rows(s.typical.yPred), expected);
    });
  }

  for (const task of PROBABILITY_TASKS) {
    it(`${task}: typical probabilities inside [0.05, 0.95], exact 0 and 1 among the boundaries`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const s = samplesFor(task, { seed });
        assert.ok(s.typical.yPred.values.every((v) => v >= 0.05 && v <= 0.95), `seed ${seed}: ${Array.from(s.typical.yPred.values).filter((v) => v < 0.05 || v > 0.95)}`);
        for (const alt of s.alternatives) assert.ok(alt.yPred.values.every((v) => v > 0 && v < 1), `${alt.name} strictly inside (0, 1)`);
        const boundary = s.boundaries.flatMap((b) => Array.from(b.yPred.values));
        assert.ok(boundary.includes(0) && boundary.includes(1));
      }
    });
  }

  it('binary and segmentation: labels are 0 or 1 and both occur', () => {
    for (const task of ['binary', 'segmentation'] as const) {
      for (const seed of [1, 2, 3]) {
        const labels = Array.from(samplesFor(task, { seed }).typical.yTrue.values);
        assert.ok(labels.every((v) => v === 0 || v === 1), task);
        assert.ok(labels.includes(0) && labels.includes(1), `${task}, seed ${seed}`);
      }
    }
  });

  it('categorical: one-hot label rows; typical, uniform and random rows sum to 1 within float32 rounding', () => {
    for (const seed of [1, 2, 3]) {
      const s = samplesFor('categorical', { seed });
      for (const row of rows(s.typical.yTrue)) assert.deepStrictEqual([...row].sort(), [0, 0, 0, 0, 1]);
      // Five values, each rounded to float32 by at most 2^-24 (they are below 1), summed here in float64.
      for (const p of [s.typical, ...s.alternatives]) {
        for (const row of rows(p.yPred)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 5 * 2 ** -24, `${p.name}: ${row}`);
      }
      // Near the labels: the labelled class has the largest probability in every typical row.
      const typical = rows(s.typical.yPred);
      rows(s.typical.yTrue).forEach((label, r) => assert.strictEqual(typical[r]?.indexOf(Math.max(...(typical[r] ?? []))), label.indexOf(1)));
    }
  });

  it('sparse: integer classes in range 0..4 stored as float32, softmax predictions of width 5', () => {
    for (const seed of [1, 2, 3]) {
      const s = samplesFor('sparse', { seed });
      assert.ok(s.typical.yTrue.values instanceof Float32Array);
      assert.ok(Array.from(s.typical.yTrue.values).every((c) => Number.isInteger(c) && c >= 0 && c < 5));
      for (const row of rows(s.typical.yPred)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
  });

  it('regression: boundaries hold exact matches and residuals of ±1000', () => {
    const s = samplesFor('regression');
    const large = s.boundaries.find((b) => /large/.test(b.name));
    assert.ok(large);
    // float32 spacing near 1000 is 6.1e-5: the residual is 1000 within that.
    assert.ok(Array.from(large.yPred.values).every((v, i) => Math.abs(Math.abs(v - (large.yTrue.values[i] as number)) - 1000) <= 1.3e-4));
    assert.ok(s.boundaries.some((b) => b.yPred.values.every((v, i) => v === b.yTrue.values[i])));
  });

  it('regression: residuals across scales, 1e-3 to 1e3, of both signs, crossing a threshold at any scale', () => {
    for (const seed of [1, 2]) {
      const s = samplesFor('regression', { seed });
      const residuals = Array.from(s.scales.yPred.values, (v, i) => v - (s.scales.yTrue.values[i] as number));
      const magnitudes = residuals.map(Math.abs);
      assert.ok(Math.min(...magnitudes) < 2e-3 && Math.max(...magnitudes) > 900, `${Math.min(...magnitudes)} … ${Math.max(...magnitudes)}`);
      assert.ok(residuals.some((r) => r > 1) && residuals.some((r) => r < -1));
      for (const threshold of [0.01, 0.1, 1, 10, 100]) assert.ok(magnitudes.some((m) => m < threshold) && magnitudes.some((m) => m > threshold), `${threshold}`);
      assert.ok(s.alternatives.includes(s.alternatives.find((a) => a.name === s.scales.name) as SamplePair), 'also an alternative');
    }
  });

  for (const task of PROBABILITY_TASKS) {
    it(`${task}: confidently wrong (p(true) ≤ 1e-3) and confidently right predictions among the scales`, () => {
      const s = samplesFor(task, { seed: 4 });
      const target = s.perfect.yPred;
      const cols = task === 'binary' || task === 'segmentation' ? 1 : (target.shape[target.shape.length - 1] as number);
      const trueProbability = Array.from({ length: target.values.length / cols }, (_, r) => {
        const row = Array.from(target.values.subarray(r * cols, (r + 1) * cols));
        const p = s.scales.yPred.values[r * cols + (cols === 1 ? 0 : row.indexOf(1))] as number;
        return cols === 1 && row[0] === 0 ? 1 - p : p;
      });
      assert.ok(trueProbability.some((p) => p <= 1e-3) && trueProbability.some((p) => p >= 1 - 1e-3), `${Math.min(...trueProbability)} … ${Math.max(...trueProbability)}`);
      if (cols > 1) for (const row of rows(s.scales.yPred)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    });
  }

  it('makes the width asked for: features, classes or outputs', () => {
    assert.deepStrictEqual(samplesFor('categorical', { width: 10, batch: 8 }).typical.yPred.shape, [8, 10]);
    assert.deepStrictEqual(samplesFor('sparse', { width: 10 }).typical.yTrue.shape, [6, 1]);
    assert.deepStrictEqual(samplesFor('regression', { width: 3 }).scales.yPred.shape, [6, 3]);
    assert.deepStrictEqual(samplesFor('binary', { width: 3 }).typical.yTrue.shape, [6, 3]);
    assert.throws(() => samplesFor('regression', { width: 0 }), /width must be an integer/);
  });

  it('gives every pair its own arrays: writing into one leaves the others as they were', () => {
    const s = samplesFor('regression');
    const before = Array.from(s.perfect.yTrue.values);
    s.perfect.yPred.values.fill(42);
    s.typical.yTrue.values.fill(42);
    assert.deepStrictEqual(Array.from(s.perfect.yTrue.values), before);
  });

  it('rejects a batch or seed that is not an integer, naming it', () => {
    assert.throws(() => samplesFor('binary', { batch: 0 }), /batch must be a positive integer, got 0/);
    assert.throws(() => samplesFor('binary', { batch: 2.5 }), /batch/);
    assert.throws(() => samplesFor('binary', { seed: NaN }), /seed must be an integer/);
  });

  it('toTensor makes a float32 tensor of the same shape and values', async () => {
    await tf.setBackend('cpu');
    const sample = samplesFor('segmentation', { batch: 2 }).typical.yPred;
    const before = tf.memory().numTensors;
    const t = toTensor(sample);
    assert.deepStrictEqual([t.shape, t.dtype], [sample.shape, 'float32']);
    assert.deepStrictEqual(t.dataSync(), sample.values);
    t.dispose();
    assert.strictEqual(tf.memory().numTensors, before);
  });
});
