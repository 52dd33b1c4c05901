import { RbeesError } from '../../../shared/errors';
import type { ParsedTaskRequest } from '../../../shared/inference';

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
 * Refuses a request whose prompt and `max_tokens` cannot fit the model's context. The context is
 * known only once a worker serving the model reported it (its ready line or /health): with none
 * (no worker loaded yet), the check is skipped and the worker's own check applies.
 */
export function checkContextFit(
  request: ParsedTaskRequest,
  modelId: string,
  contextSize: number | null,
): void {
  if (contextSize === null) return;
  const prompt = promptTokensAtLeast(request);
  if (prompt + request.max_tokens <= contextSize) return;
  const room = contextSize - prompt;
  const fix =
    room >= 1 ? `lower max_tokens to at most ${room}, shorten the input,` : 'shorten the input';
  throw new RbeesError(
    'BAD_REQUEST',
    `max_tokens (${request.max_tokens}) plus the input (at least ${prompt} tokens) do not fit ` +
      `the context of "${modelId}" (${contextSize} tokens): ${fix} or start its worker with a ` +
      'larger context (--ctx).',
    {
      fields: ['max_tokens'],
      context_size: contextSize,
      max_tokens: request.max_tokens,
      prompt_tokens_at_least: prompt,
    },
  );
}
