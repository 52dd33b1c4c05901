/**
 * Seeded pseudo-random numbers, so that a model file is byte-identical for the same params.
 * Math.random() cannot be seeded; mulberry32 is tiny, fast and good enough for weights.
 */

/** A generator of uniform numbers in [0, 1). */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  // An int32 state (| 0, not >>> 0) stays a small integer in V8: ~40% faster, same numbers.
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One independent stream per (seed, label): each tensor draws from its own stream, so its values
 * do not depend on the order in which tensors are generated. FNV-1a over the label's UTF-16 units.
 */
export function rngFor(seed: number, label: string): Rng {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return mulberry32(hash);
}

/** Fills `out` uniformly in [-a, a) with a = std * sqrt(3): that standard deviation, cheaply. */
export function fillUniform(rng: Rng, out: Float32Array, std: number): void {
  const width = 2 * std * Math.sqrt(3);
  for (let i = 0; i < out.length; i++) out[i] = (rng() - 0.5) * width;
}
