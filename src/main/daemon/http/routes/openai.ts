import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API } from '../../../../shared/api';
import { HTTP_STATUS } from '../../../../shared/errors';
import type { InferenceEvent, ParsedTaskRequest } from '../../../../shared/inference';
import {
  chatMessagesFromOpenAi,
  ChatCompletionRequestSchema,
  CompletionRequestSchema,
  DEFAULT_CHAT_MAX_TOKENS,
  DEFAULT_COMPLETION_MAX_TOKENS,
  finishReason,
  samplingFromOpenAi,
  usage,
  type FinishReason,
} from '../../../../shared/openai';
import { parseBody } from '../../../../shared/validation';
import type { Jobs } from '../../jobs/jobs';
import { sendSse } from '../sse-reply';
import { submitJob } from './tasks';

type Kind = 'chat' | 'text';

/** OpenAI-compatible API: the same jobs as `/v2/tasks`, in OpenAI's shapes. */
export function openAiRoutes(app: FastifyInstance, jobs: Jobs): void {
  // Every model a request may name, once, whichever hosts have it.
  app.get(API.openaiModels, async () => ({
    object: 'list',
    data: [...new Set((await jobs.modelIds()).map((m) => m.id))].map((id) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: 'rbees',
    })),
  }));

  app.post(API.chatCompletions, async (request, reply) => {
    const body = parseBody(ChatCompletionRequestSchema, request.body);
    const task: ParsedTaskRequest = {
      ...samplingFromOpenAi(body),
      model: body.model,
      messages: chatMessagesFromOpenAi(body.messages),
      max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_CHAT_MAX_TOKENS,
      priority: 'interactive',
    };
    await answer(request, reply, jobs, task, 'chat', body);
  });

  app.post(API.completions, async (request, reply) => {
    const body = parseBody(CompletionRequestSchema, request.body);
    const task: ParsedTaskRequest = {
      ...samplingFromOpenAi(body),
      model: body.model,
      prompt: typeof body.prompt === 'string' ? body.prompt : body.prompt[0],
      max_tokens: body.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS,
      priority: 'interactive',
    };
    await answer(request, reply, jobs, task, 'text', body);
  });
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
  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  abort.signal.addEventListener('abort', () => jobs.cancelJob(job));
  let text = '';
  for await (const event of job.events.subscribe(undefined, abort.signal)) {
    if (event.type === 'token') text += event.data.t;
    if (event.type === 'error') {
      return reply.code(HTTP_STATUS[event.data.code]).send({ error: event.data });
    }
    if (event.type === 'end') {
      return reply.send(shape.whole(text, event.data));
    }
  }
}

function data(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Builds OpenAI's objects for one job. */
class Shaper {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly kind: Kind,
    private readonly id: string,
    private readonly model: string,
  ) {}

  streamEvent(event: InferenceEvent, includeUsage: boolean): unknown[] {
    switch (event.type) {
      case 'token':
        return [
          this.kind === 'chat'
            ? this.chunk({ content: event.data.t }, null)
            : this.text(event.data.t, null),
        ];
      case 'end': {
        const reason = finishReason(event.data.stop_reason);
        const use = usage(event.data.prompt_tokens, event.data.tokens_out);
        const last = this.kind === 'chat' ? this.chunk({}, reason) : this.text('', reason);
        return includeUsage ? [last, { ...this.base(), choices: [], usage: use }] : [last];
      }
      case 'error':
        return [{ error: event.data }];
      case 'queued':
      case 'started':
      case 'metrics':
        return [];
    }
  }

  chunk(delta: { role?: 'assistant'; content?: string }, reason: FinishReason | null): unknown {
    return {
      ...this.base(),
      choices: [{ index: 0, delta, finish_reason: reason, logprobs: null }],
    };
  }

  whole(
    text: string,
    end: {
      stop_reason: Parameters<typeof finishReason>[0];
      prompt_tokens: number;
      tokens_out: number;
    },
  ): unknown {
    const reason = finishReason(end.stop_reason);
    const choice =
      this.kind === 'chat'
        ? {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: reason,
            logprobs: null,
          }
        : { index: 0, text, finish_reason: reason, logprobs: null };
    return {
      ...this.base(false),
      choices: [choice],
      usage: usage(end.prompt_tokens, end.tokens_out),
    };
  }

  private text(text: string, reason: FinishReason | null): unknown {
    return { ...this.base(), choices: [{ index: 0, text, finish_reason: reason, logprobs: null }] };
  }

  private base(streaming = true) {
    const object =
      this.kind === 'chat'
        ? streaming
          ? 'chat.completion.chunk'
          : 'chat.completion'
        : 'text_completion';
    return { id: this.id, object, created: this.created, model: this.model };
  }
}
