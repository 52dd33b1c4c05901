/**
 * Limits shared by the worker, the daemon and the UI. A prompt has no limit in characters: the
 * worker counts its tokens against the model's context (src/pool/workerd/generation.ts), and the
 * request body's size bounds it (4 MiB). Neither does a reply's budget, beyond a sanity bound: the
 * room left in the context caps it, and a reply that reaches the room ends as `max_tokens`.
 */
export const LIMITS = {
  /** 2^20 tokens: more than any context a worker loads here; the context's room is the cap. */
  maxTokens: 1_048_576,
  temperature: { min: 0, max: 2 },
  /** OpenAI's penalties: -2 (favour repeats) to 2. */
  penalty: { min: -2, max: 2 },
  stopSequences: 4,
  /** Texts one embeddings request may carry (OpenAI's limit). */
  embedInputs: 2048,
  /** Most jobs `GET /v2/tasks` lists at once. */
  taskList: 1000,
} as const;

export const DEFAULT_TEMPERATURE = 0.7;

/**
 * Context per slot when a worker is started without --ctx: "auto" alone would reserve the model's
 * whole trained context (128k tokens for many models) for every slot. A worker gets at most this,
 * less when memory is short or the model was trained on less.
 */
export const DEFAULT_MAX_CONTEXT = 8192;

/**
 * The most tokens a prompt may take in a context: all but its last tenth, kept for the reply (as
 * node-llama-cpp's own context shift does). The worker checks exactly; the daemon's admission
 * checks a floor of the count.
 */
export function promptRoom(contextSize: number): number {
  return contextSize - Math.max(1, Math.floor(contextSize / 10));
}
