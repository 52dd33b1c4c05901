/**
 * Embedding and output matrices of a script model: a first-order chain over the script's tokens.
 *
 * The residual stream of a script model stays (almost) the current token's embedding, so its
 * logits are output · embedding(current). Each token gets a random unit direction; random
 * directions in embd >= 128 dimensions are nearly orthogonal (|cos| < ~0.35 for hundreds of them).
 * - The output row of script token k+1 (of EOS after the last one) is the direction of token k:
 *   the current script token scores LOGIT_SCALE for its successor, at most ~0.35x that elsewhere.
 * - Every other token (prompt, template, special) also carries a shared direction, to which only
 *   the output row of the first script token points: whatever the prompt ends with, the reply
 *   starts at the first script token (0.8x LOGIT_SCALE, others at most ~0.2x).
 * A margin of tens of logits makes a wrong token practically impossible even at temperature 1-2.
 */
import type { RowFunction } from './gguf-writer';
import { rngFor } from './prng';
import type { Vocab } from './vocab';

const LOGIT_SCALE = 100;
/** Share of the shared direction in a non-script token's embedding (own direction: 0.6). */
const SHARED_WEIGHT = 0.8;
const OWN_WEIGHT = Math.sqrt(1 - SHARED_WEIGHT ** 2);

export function scriptWeights(
  vocab: Vocab,
  embd: number,
  seed: number,
): { embedding: RowFunction; output: RowFunction } {
  const shared = new Float32Array(embd);
  randomUnit(rngFor(seed, 'script.shared'), shared);
  const isScript = new Set(vocab.script);
  /** For each output row that a script token predicts, that token. */
  const predictedBy = new Map<number, number>();
  vocab.script.forEach((token, k) => predictedBy.set(vocab.script[k + 1] ?? vocab.eos, token));
  const first = vocab.script[0];

  // A token's own unit direction, orthogonal to the shared one so the two never interfere.
  const direction = (token: number, out: Float32Array): void => {
    randomUnit(rngFor(seed, `script.token.${token}`), out);
    const along = dot(out, shared);
    for (let i = 0; i < embd; i++) out[i] = (out[i] ?? 0) - along * (shared[i] ?? 0);
    scale(out, 1 / Math.sqrt(dot(out, out)));
  };

  return {
    embedding: (token, out) => {
      direction(token, out);
      if (!isScript.has(token)) {
        for (let i = 0; i < embd; i++) {
          out[i] = OWN_WEIGHT * (out[i] ?? 0) + SHARED_WEIGHT * (shared[i] ?? 0);
        }
      }
      // RMS 1 per component: the damped attention/FFN outputs are negligible next to it.
      scale(out, Math.sqrt(embd));
    },
    output: (token, out) => {
      // The hidden state after the final RMS norm is sqrt(embd) x a unit vector.
      const predecessor = predictedBy.get(token);
      if (token === first) out.set(shared);
      else if (predecessor !== undefined) direction(predecessor, out);
      else out.fill(0);
      scale(out, LOGIT_SCALE / Math.sqrt(embd));
    },
  };
}

function randomUnit(rng: () => number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = rng() * 2 - 1;
  scale(out, 1 / Math.sqrt(dot(out, out)));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function scale(out: Float32Array, factor: number): void {
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * factor;
}
