import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import { HTTP_STATUS } from '../../../../shared/errors';
import type { ParsedTaskRequest } from '../../../../shared/inference';
import {
  chatMessagesFromOpenAi,
  ChatCompletionRequestSchema,
  CompletionRequestSchema,
  DEFAULT_CHAT_MAX_TOKENS,
  DEFAULT_COMPLETION_MAX_TOKENS,
  formatFromOpenAi,
  samplingFromOpenAi,
  toolsFromOpenAi,
} from '../../../../shared/openai';
import {
  ChatCompletionSchema,
  OpenAiModelListSchema,
  OpenAiModelSchema,
  TextCompletionSchema,
} from '../../../../shared/openai-replies';
import { resolveModelId } from '../../../../shared/models';
import type { Jobs } from '../../jobs/jobs';
import type { CatalogModel } from '../../jobs/model-placement';
import { ERRORS, json, QUEUE_FULL, sse } from '../route-schemas';
import { sendSse } from '../sse-reply';
import { data, Shaper, type Kind, type ToolCallEvent } from './openai-shapes';
import { settled } from './job-answer';
import { submitJob } from './tasks';

const TAG = ['openai'];
const STREAMS =
  'With `"stream": true` the answer is `text/event-stream`: `data:` lines carrying OpenAI chunk ' +
  'objects, `data: {"error": ErrorBody}` if the job fails, then `data: [DONE]`.';

/** The JSON completion, or (with `stream`) its chunks as data-only events, as OpenAI sends them. */
function completion<S extends z.ZodType>(schema: S, chunk: string) {
  const events = sse('', [chunk, '[DONE]'], 'Data-only events (no `event:` field).');
  return {
    description: 'The completion, or its stream.',
    content: { 'application/json': { schema }, ...events.content },
  };
}

function openAiModel({ id, hosts, context_length }: CatalogModel) {
  return { id, hosts, context_length, object: 'model' as const, created: 0, owned_by: 'rbees' };
}

/** OpenAI-compatible API: the same jobs as `/v2/tasks`, in OpenAI's shapes. */
export function openAiRoutes(app: FastifyInstance, jobs: Jobs): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Every model a request may name, once, whichever hosts have it.
  api.get(
    API.openaiModels,
    {
      schema: {
        tags: TAG,
        summary: 'List the models requests may name (OpenAI shape)',
        response: { 200: json(OpenAiModelListSchema, 'The models.'), ...ERRORS },
      },
    },
    async () => ({ object: 'list' as const, data: (await jobs.catalog()).map(openAiModel) }),
  );

  api.get(
    `${API.openaiModels}/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Describe one model (OpenAI shape)',
        params: z.object({ id: z.string().min(1) }),
        response: { 200: json(OpenAiModelSchema, 'The model.'), ...ERRORS },
      },
    },
    async (request) => {
      const catalog = await jobs.catalog();
      const id = resolveModelId(
        request.params.id,
        catalog.map((m) => m.id),
      );
      return openAiModel(catalog.find((m) => m.id === id) as CatalogModel);
    },
  );

  api.post(
    API.chatCompletions,
    {
      schema: {
        tags: TAG,
        summary: 'Create a chat completion (OpenAI-compatible)',
        description: STREAMS,
        body: ChatCompletionRequestSchema,
        response: {
          200: completion(ChatCompletionSchema, 'chat.completion.chunk'),
          ...QUEUE_FULL,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const format = formatFromOpenAi(body);
      const task: ParsedTaskRequest = {
        ...samplingFromOpenAi(body),
        model: body.model,
        messages: chatMessagesFromOpenAi(body.messages),
        ...toolsFromOpenAi(body),
        ...(format ? { format } : {}),
        max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_CHAT_MAX_TOKENS,
        priority: 'interactive',
      };
      await answer(request, reply, jobs, task, 'chat', body);
    },
  );

  api.post(
    API.completions,
    {
      schema: {
        tags: TAG,
        summary: 'Create a text completion (OpenAI-compatible)',
        description: STREAMS,
        body: CompletionRequestSchema,
        response: {
          200: completion(TextCompletionSchema, 'text_completion'),
          ...QUEUE_FULL,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const task: ParsedTaskRequest = {
        ...samplingFromOpenAi(body),
        model: body.model,
        prompt: typeof body.prompt === 'string' ? body.prompt : body.prompt[0],
        max_tokens: body.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS,
        priority: 'interactive',
      };
      await answer(request, reply, jobs, task, 'text', body);
    },
  );
}

async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  jobs: Jobs,
  task: ParsedTaskRequest,
  kind: Kind,
  options: { stream?: boolean | null; stream_options?: { include_usage?: boolean } | null },
): Promise<void> {
  const job = await submitJob(jobs, reply, task);
  const shape = new Shaper(kind, `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${job.id}`, job.modelId);
  if (options.stream) {
    const includeUsage = options.stream_options?.include_usage === true;
    return sendSse(request, reply, async function* (signal) {
      // No reconnection in OpenAI's protocol: a client that leaves cancels its job at once.
      signal.addEventListener('abort', () => jobs.cancelJob(job));
      if (kind === 'chat') yield data(shape.chunk({ role: 'assistant', content: '' }, null));
      for await (const event of job.events.subscribe(undefined, signal)) {
        const out = shape.streamEvent(event, includeUsage);
        for (const payload of out) yield data(payload);
      }
      yield 'data: [DONE]\n\n';
    });
  }
  let text = '';
  const calls: ToolCallEvent[] = [];
  const end = await settled(job, jobs, reply.raw, (event) => {
    if (event.type === 'token') text += event.data.t;
    if (event.type === 'tool_call') calls.push(event.data);
  });
  if (end.type === 'error') return reply.code(HTTP_STATUS[end.data.code]).send({ error: end.data });
  return reply.send(shape.whole(text, calls, end.data));
}
