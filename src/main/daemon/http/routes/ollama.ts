import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import { HTTP_STATUS, RbeesError } from '../../../../shared/errors';
import type { ParsedTaskRequest } from '../../../../shared/inference';
import { resolveModelId } from '../../../../shared/models';
import {
  modelFromOllama,
  OllamaChatRequestSchema,
  OllamaEmbedRequestSchema,
  OllamaGenerateRequestSchema,
  OllamaShowRequestSchema,
  taskFromOllamaChat,
  taskFromOllamaGenerate,
} from '../../../../shared/ollama';
import {
  OLLAMA_API_VERSION,
  OllamaAnswerSchema,
  OllamaEmbedSchema,
  OllamaErrorSchema,
  OllamaPsSchema,
  OllamaShowSchema,
  OllamaTagsSchema,
  OllamaVersionSchema,
} from '../../../../shared/ollama-replies';
import type { Jobs } from '../../jobs/jobs';
import type { CatalogModel } from '../../jobs/model-placement';
import { json } from '../route-schemas';
import { errorBodyOf } from '../server-errors';
import { sendSse } from '../sse-reply';
import { embed } from './embeddings';
import { settled } from './job-answer';
import { OllamaShaper, type OllamaKind } from './ollama-shapes';
import { submitJob } from './tasks';

const TAG = ['ollama'];
const ERRORS = { default: OllamaErrorSchema };
const NDJSON = 'application/x-ndjson';
const STREAMS =
  'Streamed by default (Ollama\'s `"stream": true`): NDJSON, a line per token, then the final ' +
  'line with `done: true`; `"stream": false` gives that final object with the whole text.';

/** Ollama's answer for `stream` or not: the final object, or NDJSON lines. */
const answer = {
  description: 'The answer, or its stream.',
  content: {
    ...json(OllamaAnswerSchema, '').content,
    [NDJSON]: { schema: OllamaAnswerSchema },
  },
};

const DETAILS = {
  format: 'gguf' as const,
  family: '',
  families: null,
  parameter_size: '',
  quantization_level: '',
};

function entry(model: CatalogModel) {
  // No digest to give (rbees names models by file): the name stands in, as Ollama's clients key by it.
  return {
    name: `${model.id}:latest`,
    model: `${model.id}:latest`,
    size: 0,
    digest: model.id,
    details: DETAILS,
  };
}

/**
 * Ollama's API, for apps that speak only it: the same jobs as `/v2/tasks` in its shapes, its
 * errors as `{ "error": "…" }`. rbees' own `/api/*` routes keep their paths; none of these takes
 * one of them. The bearer token is required here as everywhere.
 */
export function ollamaRoutes(app: FastifyInstance, jobs: Jobs): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => {
      const body = errorBodyOf(err, request);
      return reply.code(HTTP_STATUS[body.code]).send({ error: body.message, code: body.code });
    });
    const api = scope.withTypeProvider<ZodTypeProvider>();

    api.get(
      API.ollamaVersion,
      {
        schema: {
          tags: TAG,
          summary: 'The Ollama API version (Ollama-compatible)',
          response: { 200: json(OllamaVersionSchema, 'The version.'), ...ERRORS },
        },
      },
      async () => ({ version: OLLAMA_API_VERSION }),
    );

    api.get(
      API.ollamaTags,
      {
        schema: {
          tags: TAG,
          summary: 'List the models (Ollama-compatible)',
          response: { 200: json(OllamaTagsSchema, 'The models.'), ...ERRORS },
        },
      },
      async () => ({
        models: (await jobs.catalog()).map((m) => ({
          ...entry(m),
          modified_at: new Date(0).toISOString(),
        })),
      }),
    );

    api.get(
      API.ollamaPs,
      {
        schema: {
          tags: TAG,
          summary: 'List the models a worker serves now (Ollama-compatible)',
          response: { 200: json(OllamaPsSchema, 'The served models.'), ...ERRORS },
        },
      },
      async () => ({
        models: (await jobs.catalog())
          .filter((m) => m.loaded)
          .map((m) => ({
            ...entry(m),
            expires_at: new Date(0).toISOString(),
            size_vram: 0,
            context_length: m.context_length ?? 0,
          })),
      }),
    );

    api.post(
      API.ollamaShow,
      {
        schema: {
          tags: TAG,
          summary: 'Describe a model (Ollama-compatible)',
          body: OllamaShowRequestSchema,
          response: { 200: json(OllamaShowSchema, 'The model.'), ...ERRORS },
        },
      },
      async (request) => {
        const name = request.body.model ?? request.body.name;
        if (name === undefined)
          throw new RbeesError('BAD_REQUEST', 'model: name the model to show', {
            fields: ['model'],
          });
        const catalog = await jobs.catalog();
        const id = resolveModelId(
          modelFromOllama(name),
          catalog.map((m) => m.id),
        );
        const model = catalog.find((m) => m.id === id);
        const context = model?.context_length;
        return {
          modelfile: '',
          parameters: '',
          template: '',
          details: DETAILS,
          model_info: context != null ? { 'rbees.context_length': context } : {},
          // Every model takes tools here: a template's own call syntax, or a grammar.
          capabilities: ['completion', 'tools'],
        };
      },
    );

    api.post(
      API.ollamaChat,
      {
        schema: {
          tags: TAG,
          summary: 'Chat (Ollama-compatible)',
          description: STREAMS,
          body: OllamaChatRequestSchema,
          response: { 200: answer, ...ERRORS },
        },
      },
      async (request, reply) => {
        await respond(request, reply, jobs, taskFromOllamaChat(request.body), 'chat', request.body);
      },
    );

    api.post(
      API.ollamaEmbed,
      {
        schema: {
          tags: TAG,
          summary: 'Embed texts (Ollama-compatible)',
          body: OllamaEmbedRequestSchema,
          response: { 200: json(OllamaEmbedSchema, 'Unit-length vectors, in order.'), ...ERRORS },
        },
      },
      async (request, reply) => {
        const { model, input } = request.body;
        const startedAt = performance.now();
        const texts = typeof input === 'string' ? [input] : input;
        const result = await embed(jobs, reply, modelFromOllama(model), texts);
        if ('error' in result) {
          const { code, message } = result.error;
          return reply.code(HTTP_STATUS[code]).send({ error: message, code });
        }
        return {
          model,
          embeddings: result.vectors,
          total_duration: Math.round((performance.now() - startedAt) * 1e6),
          load_duration: 0,
          prompt_eval_count: result.promptTokens,
        };
      },
    );

    api.post(
      API.ollamaGenerate,
      {
        schema: {
          tags: TAG,
          summary: 'Generate (Ollama-compatible)',
          description: STREAMS,
          body: OllamaGenerateRequestSchema,
          response: { 200: answer, ...ERRORS },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if ((body.prompt ?? '') === '') {
          // Ollama's "load the model" call: rbees starts workers when a job needs one.
          const head = { model: body.model, created_at: new Date().toISOString(), response: '' };
          return reply.send({ ...head, done: true, done_reason: 'load' });
        }
        await respond(request, reply, jobs, taskFromOllamaGenerate(body), 'generate', body);
      },
    );
  });
}

async function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  jobs: Jobs,
  task: ParsedTaskRequest,
  kind: OllamaKind,
  body: { model: string; stream?: boolean | undefined },
): Promise<void> {
  const job = await submitJob(jobs, reply, task);
  const shape = new OllamaShaper(kind, body.model);
  if (body.stream !== false) {
    return sendSse(
      request,
      reply,
      async function* (signal) {
        signal.addEventListener('abort', () => jobs.cancelJob(job));
        for await (const event of job.events.subscribe(undefined, signal)) {
          const out = shape.streamEvent(event);
          if (out !== '') yield out;
        }
      },
      { contentType: NDJSON, keepalive: null },
    );
  }
  const end = await settled(job, jobs, reply.raw, (event) => shape.streamEvent(event));
  if (end.type === 'error') {
    return reply
      .code(HTTP_STATUS[end.data.code])
      .send({ error: end.data.message, code: end.data.code });
  }
  return reply.send(shape.whole(end.data));
}
