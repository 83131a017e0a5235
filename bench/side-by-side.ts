// Two measures taken in turns (a, b, b, a, a, b, …), so that a machine that gets busier or quieter
// during the run weighs on both alike; their medians and the ratio a / b.

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function sideBySide(a: () => number | Promise<number>, b: () => number | Promise<number>, runs: number): Promise<{ a: number; b: number; ratio: number }> {
  const times: { a: number[]; b: number[] } = { a: [], b: [] };
  for (let i = 0; i < runs; i++) {
    // ABBA order: neither side always goes first.
    const order = i % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) times[side].push(await (side === 'a' ? a : b)());
  }
  const ma = median(times.a);
  const mb = median(times.b);
  return { a: ma, b: mb, ratio: ma / mb };
}
