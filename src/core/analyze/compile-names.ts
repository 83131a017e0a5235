// The names `model.compile` accepts for `loss` and `metrics`, read from tfjs-layers at build time
// (tfjs-registry-generate.ts), and the closest valid names to a wrong one.

export interface CompileNames {
  /** Keys of tfjs-layers' lossesMap: `compile({ loss: 'meanSquaredError' })`. */
  losses: string[];
  /** Short names tfjs-layers defines for its losses (`mse` → `meanSquaredError`), valid as metrics only. */
  lossAliases: Record<string, string>;
  /** Keys of tfjs-layers' metricsMap plus the strings `compile` itself recognises (`accuracy`, `acc`, `crossentropy`, `ce`). */
  metrics: string[];
  /** tfjs functions that can be passed instead (`losses.huberLoss`, `metrics.recall`). */
  functions: string[];
}

/** A name with case, `_`, `-` and blanks folded away: `binary_crossentropy` ~ `binaryCrossentropy`. */
export function normalized(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Up to three valid names closest to `name`, best first: same words, an alias, one typo, then names that contain it. */
export function closestNames(name: string, role: 'loss' | 'metric', names: CompileNames): string[] {
  const valid = role === 'loss' ? names.losses : names.metrics;
  const n = normalized(name);
  if (n.length === 0) return [];
  const exact = valid.filter((v) => normalized(v) === n);
  if (exact.length > 0) return exact.slice(0, 1);
  const aliasFor = Object.entries(names.lossAliases).find(([alias]) => normalized(alias) === n)?.[1];
  if (role === 'loss' && aliasFor && valid.includes(aliasFor)) return [aliasFor];
  if (role === 'metric') {
    // `meanSquaredError` as a metric: tfjs knows it as `mse`.
    const alias = Object.entries(names.lossAliases).find(([a, full]) => normalized(full) === n && valid.includes(a))?.[0];
    if (alias) return [alias];
  }
  const limit = Math.max(1, Math.floor(n.length / 4));
  const near = valid
    .map((v) => ({ v, d: editDistance(n, normalized(v)) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d)
    .map((x) => x.v);
  if (near.length > 0) return unique(near).slice(0, 3);
  if (n.length < 4) return [];
  return unique(valid.filter((v) => normalized(v).includes(n))).slice(0, 3);
}

function unique(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = normalized(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
