import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { RbeesError } from '../../shared/errors';
import type { ExecuteRequest, InferenceEvent } from '../../shared/inference';
import type { Channel } from './channel';

/**
 * Embeddings from the model the worker already loaded: node-llama-cpp's embedding context reads
 * the same weights (no second copy), with a context of its own, made on the first request that
 * embeds. Vectors come out at unit length, as OpenAI's and llama-server's do.
 */
export class Embeddings {
  private context: Promise<LlamaEmbeddingContext> | undefined;

  constructor(
    private readonly model: LlamaModel,
    private readonly contextSize: number,
    private readonly threads: number,
  ) {}

  /**
   * Tokenizes every text first (synchronously), refusing one that does not fit the context with
   * BAD_REQUEST before anything is streamed; the rest runs in `run`.
   */
  prepare(req: ExecuteRequest): Token[][] {
    const texts = req.embed ?? [];
    return texts.map((text, i) => {
      const tokens = this.model.tokenize(text);
      if (tokens.length > this.contextSize) {
        throw new RbeesError(
          'BAD_REQUEST',
          `embed.${i}: ${tokens.length} tokens do not fit a context of ${this.contextSize} ` +
            'tokens — split the text, or restart the worker with a larger --ctx',
          { fields: [`embed.${i}`], prompt_tokens: tokens.length, context_size: this.contextSize },
        );
      }
      return tokens;
    });
  }

  /** An `embedding` event per text, in order; stops between texts when `signal` aborts. */
  async run(
    inputs: Token[][],
    signal: AbortSignal,
    channel: Channel<InferenceEvent>,
  ): Promise<void> {
    this.context ??= this.model.createEmbeddingContext({
      contextSize: this.contextSize,
      threads: this.threads,
    });
    this.context.catch(() => (this.context = undefined));
    const context = await this.context;
    for (const [index, tokens] of inputs.entries()) {
      signal.throwIfAborted();
      const { vector } = await context.getEmbeddingFor(tokens);
      channel.push({ type: 'embedding', data: { index, vector: unitLength(vector) } });
    }
  }
}

function unitLength(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm > 0 ? vector.map((x) => x / norm) : [...vector];
}
