import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import {
  CountTokensRequestSchema,
  MessagesRequestSchema,
  taskFromAnthropic,
} from '../../../../shared/anthropic';
import {
  AnthropicErrorSchema,
  AnthropicMessageSchema,
  AnthropicTokenCountSchema,
} from '../../../../shared/anthropic-replies';
import { HTTP_STATUS } from '../../../../shared/errors';
import type { Jobs } from '../../jobs/jobs';
import { json, sse } from '../route-schemas';
import { errorBodyOf } from '../server-errors';
import { sendSse } from '../sse-reply';
import { anthropicError, MessageShaper } from './anthropic-shapes';
import { settled } from './job-answer';
import { submitJob } from './tasks';

const TAG = ['anthropic'];
/** Anthropic's error body for every error of these routes, its status as rbees' code has it. */
const ERRORS = { default: AnthropicErrorSchema };
const EVENTS = [
  'message_start',
  'ping',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'error',
];

/**
 * Anthropic's Messages API (what Claude Code and the official SDK speak): the same jobs as
 * `/v2/tasks`, in Anthropic's shapes, errors included. In a scope of their own, so that their
 * error handler (a refused token, a bad body, a failed job) answers as Anthropic does.
 */
export function anthropicRoutes(app: FastifyInstance, jobs: Jobs): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => {
      const body = errorBodyOf(err, request);
      return reply.code(HTTP_STATUS[body.code]).send(anthropicError(body));
    });
    const api = scope.withTypeProvider<ZodTypeProvider>();
    api.post(
      API.anthropicMessages,
      {
        schema: {
          tags: TAG,
          summary: 'Create a message (Anthropic-compatible)',
          description:
            'With `"stream": true` the answer is `text/event-stream` with Anthropic\'s named events.',
          body: MessagesRequestSchema,
          response: {
            200: {
              description: 'The message, or its stream.',
              content: {
                ...json(AnthropicMessageSchema, '').content,
                ...sse('', EVENTS, 'Named events, each with its `type` in the data too.').content,
              },
            },
            ...ERRORS,
          },
        },
      },
      async (request, reply) => {
        const job = await submitJob(jobs, reply, taskFromAnthropic(request.body));
        const shape = new MessageShaper(`msg_${job.id}`, job.modelId);
        if (request.body.stream === true) {
          return sendSse(request, reply, async function* (signal) {
            signal.addEventListener('abort', () => jobs.cancelJob(job));
            yield shape.start();
            for await (const event of job.events.subscribe(undefined, signal)) {
              const out = shape.streamEvent(event);
              if (out !== '') yield out;
            }
          });
        }
        const end = await settled(job, jobs, reply.raw, (event) => shape.streamEvent(event));
        if (end.type === 'error') {
          return reply.code(HTTP_STATUS[end.data.code]).send(anthropicError(end.data));
        }
        return shape.whole(end.data);
      },
    );

    api.post(
      API.anthropicCountTokens,
      {
        schema: {
          tags: TAG,
          summary: "Count a message's input tokens (Anthropic-compatible)",
          description:
            "Tokenized by a worker serving the model, in its chat template: what the input's " +
            '`input_tokens` will be. Nothing is generated.',
          body: CountTokensRequestSchema,
          response: { 200: json(AnthropicTokenCountSchema, 'The count.'), ...ERRORS },
        },
      },
      async (request, reply) => {
        const task = taskFromAnthropic({ ...request.body, max_tokens: 1 });
        const job = await submitJob(jobs, reply, { ...task, count_only: true });
        const end = await settled(job, jobs, reply.raw, () => '');
        if (end.type === 'error') {
          return reply.code(HTTP_STATUS[end.data.code]).send(anthropicError(end.data));
        }
        return { input_tokens: end.data.prompt_tokens };
      },
    );
  });
}
