// The seeded generator behind every "random" number Loss Lab makes (task presets, the panel's
// datasets and batch order): mulberry32, a tiny, well-studied 32-bit PRNG (Tommy Ettinger's, public
// domain), bit-identical on every JavaScript engine. No tfjs here: the panel's page uses it too.

/** A generator of numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
