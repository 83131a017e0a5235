import * as assert from 'node:assert/strict';
import { DATASETS, makeDataset, outlierTrend } from './datasets';

const column = (x: Float32Array, features: number, c: number): number[] => Array.from({ length: x.length / features }, (_, i) => x[i * features + c] as number);

describe('training datasets', () => {
  for (const name of DATASETS) {
    it(`${name}: the same seed gives identical arrays, another seed different ones`, () => {
      const [a, b, other] = [makeDataset(name, { seed: 7 }), makeDataset(name, { seed: 7 }), makeDataset(name, { seed: 8 })];
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.x, other.x);
    });

    it(`${name}: seed 1 is the default`, () => {
      assert.deepEqual(makeDataset(name), makeDataset(name, { seed: 1 }));
    });
  }

  it('outliers: 160 points of 1-D regression with x in [-1, 1], inlier flags and the clean trend', () => {
    const d = makeDataset('outliers');
    assert.deepEqual([d.n, d.features, d.outputs, d.classes, d.labelFormat], [160, 1, 1, 1, 'regression']);
    assert.equal(d.x.length, 160);
    assert.equal(d.y.length, 160);
    assert.equal(d.inlier?.length, 160);
    assert.ok(d.x.every((v) => v >= -1 && v <= 1));
    d.x.forEach((v, i) => assert.ok(Math.abs((d.clean?.[i] as number) - outlierTrend(v)) < 1e-6));
  });

  it('outliers: 15 % of the points sit 3 to 6 above the trend, the others within noise of it', () => {
    const d = makeDataset('outliers', { seed: 3, n: 200 });
    assert.ok(d.inlier && d.clean);
    const residual = Array.from(d.y, (y, i) => y - (d.clean?.[i] as number));
    const outlying = residual.filter((_, i) => d.inlier?.[i] === 0);
    const inlying = residual.filter((_, i) => d.inlier?.[i] === 1);
    assert.equal(outlying.length, 30);
    assert.ok(outlying.every((r) => r > 2.5 && r < 6.5), `outlier residuals ${outlying.map((r) => r.toFixed(2)).join(', ')}`);
    assert.ok(inlying.every((r) => Math.abs(r) < 0.5), 'inliers stay within 5σ of the trend');
    const sd = Math.sqrt(inlying.reduce((s, r) => s + r * r, 0) / inlying.length);
    assert.ok(sd > 0.07 && sd < 0.13, `inlier noise σ = ${sd}`);
  });

  it('moons: 200 points in two balanced 0/1 classes, centred, within about ±1.6', () => {
    const d = makeDataset('moons');
    assert.deepEqual([d.n, d.features, d.outputs, d.classes, d.labelFormat], [200, 2, 1, 1, 'binary']);
    assert.equal(d.x.length, 400);
    assert.ok(d.y.every((v) => v === 0 || v === 1));
    assert.equal(d.y.reduce((s, v) => s + v, 0), 100);
    for (const c of [0, 1]) {
      const values = column(d.x, 2, c);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      assert.ok(Math.abs(mean) < 0.15, `mean of feature ${c}: ${mean}`);
      assert.ok(values.every((v) => Math.abs(v) < 1.9), `feature ${c} within ±1.9`);
    }
    assert.equal(d.inlier, undefined);
  });

  it('moons: the upper moon (class 0) lies above the lower one on average', () => {
    const d = makeDataset('moons', { seed: 5 });
    const height = column(d.x, 2, 1);
    const meanOf = (label: number): number => {
      const ys = height.filter((_, i) => d.y[i] === label);
      return ys.reduce((s, v) => s + v, 0) / ys.length;
    };
    assert.ok(meanOf(0) > meanOf(1) + 0.5);
  });

  it('spirals: 240 points, 80 per class, as one-hot rows by default', () => {
    const d = makeDataset('spirals');
    assert.deepEqual([d.n, d.features, d.outputs, d.classes, d.labelFormat], [240, 2, 3, 3, 'one-hot']);
    assert.equal(d.y.length, 720);
    const classes: number[] = [];
    for (let i = 0; i < d.n; i++) {
      const row = Array.from(d.y.subarray(3 * i, 3 * i + 3));
      assert.equal(row.reduce((s, v) => s + v, 0), 1);
      classes.push(row.indexOf(1));
    }
    assert.deepEqual([0, 1, 2].map((c) => classes.filter((k) => k === c).length), [80, 80, 80]);
    assert.ok(Array.from(d.x).every((v) => Math.abs(v) <= 1));
  });

  it('spirals: sparse labels give the class index of the same points', () => {
    const [oneHot, sparse] = [makeDataset('spirals', { seed: 4 }), makeDataset('spirals', { seed: 4, labels: 'sparse' })];
    assert.deepEqual([sparse.outputs, sparse.labelFormat, sparse.classes], [1, 'sparse', 3]);
    assert.deepEqual(sparse.x, oneHot.x);
    sparse.y.forEach((c, i) => assert.equal(oneHot.y[3 * i + c], 1));
  });

  it('spirals: n is rounded down to equal classes', () => {
    assert.equal(makeDataset('spirals', { n: 100 }).n, 99);
  });

  it('rejects an n that is not an integer of at least 3, naming the argument', () => {
    assert.throws(() => makeDataset('moons', { n: 2.5 }), /makeDataset: n must be an integer/);
    assert.throws(() => makeDataset('outliers', { n: 0 }), /makeDataset: n must be an integer/);
  });
});
