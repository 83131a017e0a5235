import * as assert from 'assert';
import { TASKS } from '../report';
import { samplesFor, type SampleTensor } from './samples';

const SHAPES = {
  regression: [[6, 4], [6, 4]],
  binary: [[6, 1], [6, 1]],
  categorical: [[6, 5], [6, 5]],
  sparse: [[6, 1], [6, 5]],
  segmentation: [[6, 16, 16, 1], [6, 16, 16, 1]],
} as const;

function rows(t: SampleTensor): number[][] {
  const cols = t.shape[t.shape.length - 1] as number;
  return Array.from({ length: t.values.length / cols }, (_, r) => Array.from(t.values.subarray(r * cols, (r + 1) * cols)));
}

describe('task presets', () => {
  for (const task of TASKS) {
    it(`${task}: shapes of the contract, a batch unlike the feature sizes`, () => {
      const s = samplesFor(task);
      assert.deepStrictEqual([s.typical.yTrue.shape, s.typical.yPred.shape], SHAPES[task].map((x) => [...x]));
      for (const p of [s.perfect, ...s.alternatives, ...s.boundaries]) {
        assert.strictEqual(p.yPred.values.length, s.typical.yPred.values.length, `${p.name} has the shape of yPred`);
        assert.ok(p.yPred.values.every(Number.isFinite), `${p.name} is finite`);
      }
    });

    it(`${task}: the same seed gives the same tensors, another seed others`, () => {
      const a = samplesFor(task, { seed: 7 });
      assert.deepStrictEqual(samplesFor(task, { seed: 7 }), a);
      assert.notDeepStrictEqual(samplesFor(task, { seed: 8 }).typical, a.typical);
    });
  }

  it('binary and segmentation: labels 0/1, typical probabilities inside (0, 1), boundaries at exactly 0 and 1', () => {
    for (const task of ['binary', 'segmentation'] as const) {
      const s = samplesFor(task);
      assert.ok(s.typical.yTrue.values.every((v) => v === 0 || v === 1));
      assert.ok(s.typical.yPred.values.every((v) => v >= 0.05 && v <= 0.95));
      const boundaryValues = s.boundaries.flatMap((b) => Array.from(b.yPred.values));
      assert.ok(boundaryValues.includes(0) && boundaryValues.includes(1), task);
      assert.deepStrictEqual(s.perfect.yPred, s.perfect.yTrue);
    }
  });

  it('categorical: one-hot labels and probability rows that sum to 1', () => {
    const s = samplesFor('categorical');
    for (const row of rows(s.typical.yTrue)) assert.deepStrictEqual([...row].sort(), [0, 0, 0, 0, 1]);
    for (const row of rows(s.typical.yPred)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  });

  it('sparse: integer classes in range, and the perfect prediction is their one-hot', () => {
    const s = samplesFor('sparse');
    const classes = Array.from(s.perfect.yTrue.values);
    assert.ok(classes.every((c) => Number.isInteger(c) && c >= 0 && c < 5));
    rows(s.perfect.yPred).forEach((row, i) => assert.strictEqual(row.indexOf(1), classes[i]));
  });

  it('regression: boundaries hold exact matches and residuals of ±1000', () => {
    const s = samplesFor('regression');
    const large = s.boundaries.find((b) => /large/.test(b.name));
    assert.ok(large);
    assert.ok(Array.from(large.yPred.values).every((v, i) => Math.abs(Math.abs(v - (large.yTrue.values[i] as number)) - 1000) < 1e-3));
    assert.ok(s.boundaries.some((b) => b.yPred.values.every((v, i) => v === b.yTrue.values[i])));
  });

  it('honours the batch option', () => {
    assert.deepStrictEqual(samplesFor('regression', { batch: 10 }).typical.yTrue.shape, [10, 4]);
  });
});
