import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import { EmbeddingsRequestSchema, EmbeddingsSchema } from '../../../../shared/embeddings';
import { HTTP_STATUS, type ErrorBody } from '../../../../shared/errors';
import type { Jobs } from '../../jobs/jobs';
import { ERRORS, json, QUEUE_FULL } from '../route-schemas';
import { settled } from './job-answer';
import { submitJob } from './tasks';

/** What an embedding job gave: a vector per text, in order, and the texts' tokens. */
export type Embedded = { vectors: number[][]; promptTokens: number } | { error: ErrorBody };

/**
 * Runs one embedding job (queued, scheduled and cancelled as any other, on a worker that serves
 * the model: the same load serves chat and embeddings) and collects its vectors.
 */
export async function embed(
  jobs: Jobs,
  reply: FastifyReply,
  model: string,
  texts: string[],
): Promise<Embedded> {
  const job = await submitJob(jobs, reply, {
    model,
    embed: texts,
    // Required of every task; nothing is generated.
    max_tokens: 1,
    temperature: 0,
    priority: 'interactive',
  });
  const vectors: number[][] = [];
  const end = await settled(job, jobs, reply.raw, (event) => {
    if (event.type === 'embedding') vectors[event.data.index] = event.data.vector;
  });
  if (end.type === 'error') return { error: end.data };
  return { vectors, promptTokens: end.data.prompt_tokens };
}

/** A vector as OpenAI's base64: its float32 values, little-endian. */
function base64Vector(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

/** `POST /v1/embeddings`, in OpenAI's shapes. */
export function embeddingRoutes(app: FastifyInstance, jobs: Jobs): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    API.embeddings,
    {
      schema: {
        tags: ['openai'],
        summary: 'Create embeddings (OpenAI-compatible)',
        description:
          'Unit-length vectors from the model itself (no second load). `encoding_format` ' +
          '`base64` (what openai-node asks for) is little-endian float32.',
        body: EmbeddingsRequestSchema,
        response: { 200: json(EmbeddingsSchema, 'The embeddings.'), ...QUEUE_FULL, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const texts = typeof body.input === 'string' ? [body.input] : body.input;
      const result = await embed(jobs, reply, body.model, texts);
      if ('error' in result) {
        return reply.code(HTTP_STATUS[result.error.code]).send({ error: result.error });
      }
      const base64 = body.encoding_format === 'base64';
      return {
        object: 'list' as const,
        data: result.vectors.map((vector, index) => ({
          object: 'embedding' as const,
          index,
          embedding: base64 ? base64Vector(vector) : vector,
        })),
        model: body.model,
        usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
      };
    },
  );
}
