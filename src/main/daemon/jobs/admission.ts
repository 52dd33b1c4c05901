import { RbeesError } from '../../../shared/errors';
import type { ParsedTaskRequest } from '../../../shared/inference';
import { promptRoom } from '../../../shared/limits';

/**
 * A floor on how many tokens a prompt takes, without its vocabulary: llama-family vocabularies
 * average about 4 characters a token on English and fewer on code or other scripts; 8 is generous
 * on purpose, so that admission refuses only what surely cannot fit. The worker tokenizes the
 * prompt exactly and refuses precisely (src/pool/workerd/generation.ts); this check only spares a
 * request that cannot fit its wait in the queue.
 */
const CHARS_PER_TOKEN_AT_MOST = 8;

/** The fewest tokens the request's input can take (a BOS token at least). */
export function promptTokensAtLeast(request: ParsedTaskRequest): number {
  const chars =
    request.prompt !== undefined
      ? request.prompt.length
      : (request.messages ?? []).reduce((sum, m) => sum + m.content.length, 0);
  return 1 + Math.floor(chars / CHARS_PER_TOKEN_AT_MOST);
}

/**
 * Refuses a request whose input surely cannot fit the model's context (its floor of tokens is past
 * the prompt's room, src/shared/limits.ts); a reply budget past what is left is not refused, the
 * worker serves up to the room. The context is known only once a worker serving the model
 * reported it (its ready line or /health): with none (no worker loaded yet), the check is skipped
 * and the worker's own check applies.
 */
export function checkContextFit(
  request: ParsedTaskRequest,
  modelId: string,
  contextSize: number | null,
): void {
  // Counting an input that does not fit is still an answer; each text to embed fits on its own.
  if (contextSize === null || request.count_only === true || request.embed !== undefined) return;
  const prompt = promptTokensAtLeast(request);
  const room = promptRoom(contextSize);
  if (prompt <= room) return;
  const field = request.prompt !== undefined ? 'prompt' : 'messages';
  throw new RbeesError(
    'BAD_REQUEST',
    `${field}: the input (at least ${prompt} tokens) does not fit the context of "${modelId}" ` +
      `(${contextSize} tokens, at most ${room} for the input): shorten it, or start its worker ` +
      'with a larger context (--ctx).',
    { fields: [field], context_size: contextSize, prompt_tokens_at_least: prompt },
  );
}
