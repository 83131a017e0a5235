// The panel's training presets: small 2-D problems where the choice of loss shows within a few
// dozen epochs. Plain arrays, seeded, no tfjs: the page draws the same points the worker trains on.

import { mulberry32 } from '../../src/core/random';

/** The presets, in the order the panel lists them. */
export const DATASETS = ['outliers', 'moons', 'spirals'] as const;
export type DatasetName = (typeof DATASETS)[number];
export type LabelFormat = 'regression' | 'binary' | 'one-hot' | 'sparse';

/** A preset's points and targets, row-major, ready for tf.tensor2d. */
export interface Dataset {
  name: DatasetName;
  /** Inputs, row-major [n, features]. */
  x: Float32Array;
  features: number;
  n: number;
  /** Targets, row-major [n, outputs]: regression y; binary 0/1; one-hot rows; sparse class index as float. */
  y: Float32Array;
  outputs: number;
  labelFormat: LabelFormat;
  /** 1 for regression and binary, 3 for spirals. */
  classes: number;
  /** Regression only: 1 where the point is an inlier, 0 for an outlier. */
  inlier?: Uint8Array;
  /** Regression only: the noise-free target f(x) at each point (to measure how close a fit is to the inliers' trend). */
  clean?: Float32Array;
}

export interface DatasetOptions {
  /** Same seed, same arrays; default 1. */
  seed?: number;
  /** Number of points; default 160 for outliers, 200 for moons, 240 for spirals (rounded down to a multiple of 3). */
  n?: number;
  /** How spirals' classes are given: one-hot rows (default) or the class index. Ignored by the others. */
  labels?: 'one-hot' | 'sparse';
}

const DEFAULT_N: Record<DatasetName, number> = { outliers: 160, moons: 200, spirals: 240 };

/** Builds a preset. Throws a RangeError naming the argument for an unknown name or a bad n. */
export function makeDataset(name: DatasetName, options: DatasetOptions = {}): Dataset {
  const n = options.n ?? DEFAULT_N[name];
  if (!Number.isInteger(n) || n < 3) throw new RangeError(`makeDataset: n must be an integer ≥ 3, got ${n}`);
  const random = seededRandom(options.seed ?? 1);
  switch (name) {
    case 'outliers':
      return outliers(n, random);
    case 'moons':
      return moons(n, random);
    case 'spirals':
      return spirals(n, random, options.labels ?? 'one-hot');
    default:
      throw new RangeError(`makeDataset: unknown dataset '${String(name)}'; one of ${DATASETS.join(', ')}`);
  }
}

/** Uniform numbers in [0, 1) and standard normals from one seed. */
interface Random {
  uniform(): number;
  normal(): number;
}

function seededRandom(seed: number): Random {
  const uniform = mulberry32(seed);
  return {
    uniform,
    // Box-Muller; 1 − u keeps the logarithm's argument in (0, 1].
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/** The inliers' trend: smooth, and nonlinear enough that a straight line does not fit it. */
export const outlierTrend = (x: number): number => 1.5 * x + 0.5 * Math.sin(3 * x);

/** Share of outliers, and how far above the trend they sit (one direction, so a mean is dragged and a median is not). */
const OUTLIER_SHARE = 0.15;
const OUTLIER_SHIFT = { min: 3, max: 6 };
const INLIER_NOISE = 0.1;

function outliers(n: number, random: Random): Dataset {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const clean = new Float32Array(n);
  const inlier = new Uint8Array(n).fill(1);
  // Exactly round(15 %) outliers, at positions a partial Fisher-Yates shuffle picks.
  const order = Array.from({ length: n }, (_, i) => i);
  const outlierCount = Math.round(OUTLIER_SHARE * n);
  for (let i = 0; i < outlierCount; i++) {
    const j = i + Math.floor(random.uniform() * (n - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
    inlier[order[i] as number] = 0;
  }
  for (let i = 0; i < n; i++) {
    const xi = 2 * random.uniform() - 1;
    x[i] = xi;
    clean[i] = outlierTrend(xi);
    const noise = INLIER_NOISE * random.normal();
    const shift = inlier[i] ? 0 : OUTLIER_SHIFT.min + (OUTLIER_SHIFT.max - OUTLIER_SHIFT.min) * random.uniform();
    y[i] = (clean[i] as number) + noise + shift;
  }
  return { name: 'outliers', x, features: 1, n, y, outputs: 1, labelFormat: 'regression', classes: 1, inlier, clean };
}

const MOONS_NOISE = 0.1;

/** sklearn's make_moons (evenly spaced angles, gaussian noise), centred on the origin: x in about [-1.6, 1.6]. */
function moons(n: number, random: Random): Dataset {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  const outer = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const isOuter = i < outer;
    const count = isOuter ? outer : n - outer;
    const k = isOuter ? i : i - outer;
    const angle = (Math.PI * k) / Math.max(1, count - 1);
    // sklearn: outer (cos t, sin t), inner (1 − cos t, 0.5 − sin t); the shift (−0.5, −0.25) centres both.
    const px = isOuter ? Math.cos(angle) : 1 - Math.cos(angle);
    const py = isOuter ? Math.sin(angle) : 0.5 - Math.sin(angle);
    x[2 * i] = px - 0.5 + MOONS_NOISE * random.normal();
    x[2 * i + 1] = py - 0.25 + MOONS_NOISE * random.normal();
    y[i] = isOuter ? 0 : 1;
  }
  return { name: 'moons', x, features: 2, n, y, outputs: 1, labelFormat: 'binary', classes: 1 };
}

const SPIRAL_CLASSES = 3;
/** cs231n's spiral: each arm turns 4 radians, with 0.2 radians of gaussian noise on the angle. */
const SPIRAL_TURN = 4;
const SPIRAL_NOISE = 0.2;

/** cs231n's 3-arm spiral (radius 0 → 1); n rounded down to a multiple of 3 so the classes are equal. */
function spirals(total: number, random: Random, labels: 'one-hot' | 'sparse'): Dataset {
  const perClass = Math.floor(total / SPIRAL_CLASSES);
  const n = perClass * SPIRAL_CLASSES;
  const outputs = labels === 'one-hot' ? SPIRAL_CLASSES : 1;
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n * outputs);
  for (let c = 0; c < SPIRAL_CLASSES; c++) {
    for (let k = 0; k < perClass; k++) {
      const i = c * perClass + k;
      const along = k / Math.max(1, perClass - 1);
      const angle = SPIRAL_TURN * (c + along) + SPIRAL_NOISE * random.normal();
      x[2 * i] = along * Math.sin(angle);
      x[2 * i + 1] = along * Math.cos(angle);
      if (labels === 'one-hot') y[i * outputs + c] = 1;
      else y[i] = c;
    }
  }
  return { name: 'spirals', x, features: 2, n, y, outputs, labelFormat: labels, classes: SPIRAL_CLASSES };
}
