import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { buildDaemonApp, routeNames, type DaemonApp } from '../../../../scripts/testing/daemon-app';
import { API } from '../../../shared/api';
import { AnthropicErrorSchema } from '../../../shared/anthropic-replies';
import { OllamaErrorSchema } from '../../../shared/ollama-replies';
import * as api from '../../../shared/api-schemas';
import * as history from '../../../shared/conversations';
import * as hosts from '../../../shared/host-schemas';
import type { Client, ErrorResponse, HistoryApi, PoolApi } from '../../../shared/sdk';
import { StatusLineSchema } from '../../../shared/status-schemas';

/**
 * The SDK's answers are typed by the schemas the routes declare (and serialize with): each
 * method's type is its route's schema's output (tsc checks the expectTypeOf lines), and the
 * route declares that very schema object (checked here on the real server's routes).
 */

type Answer<F> = F extends (...args: never[]) => Promise<infer T> ? T : never;
type Out<S extends z.ZodType> = z.output<S>;

/** Each SDK call's route, the status it reads, and the schema its answer type is taken from. */
const ANSWERS: [call: string, route: string, status: string, schema: z.ZodType][] = [
  ['Client.enqueue', 'POST /v2/tasks', '202', api.TaskAcceptedSchema],
  ['Client.models', 'GET /api/models', '200', api.ModelsResponseSchema],
  ['Client.workers', 'GET /api/workers', '200', api.WorkersResponseSchema],
  ['Client.info', 'GET /api/info', '200', api.DaemonInfoSchema],
  ['PoolApi.hosts', 'GET /api/hosts', '200', hosts.HostsResponseSchema],
  ['PoolApi.addHost', 'POST /api/hosts', '201', hosts.HostInfoSchema],
  ['PoolApi.connect', 'POST /api/hosts/{name}/connect', '200', hosts.HostInfoSchema],
  ['PoolApi.trust', 'POST /api/hosts/{name}/trust', '200', hosts.HostInfoSchema],
  ['PoolApi.sshAliases', 'GET /api/ssh-aliases', '200', hosts.SshAliasesResponseSchema],
  ['PoolApi.status', 'GET /api/hosts/{name}/status', '200', StatusLineSchema],
  ['PoolApi.models', 'GET /api/hosts/{name}/models', '200', hosts.HostModelsResponseSchema],
  ['PoolApi.downloads', 'GET /api/hosts/{name}/downloads', '200', hosts.DownloadsResponseSchema],
  [
    'PoolApi.startDownload',
    'POST /api/hosts/{name}/downloads',
    '202',
    hosts.StartDownloadResponseSchema,
  ],
  ['PoolApi.workers', 'GET /api/hosts/{name}/workers', '200', hosts.HostWorkersResponseSchema],
  ['PoolApi.spawnWorker', 'POST /api/hosts/{name}/workers', '201', hosts.SpawnWorkerResponseSchema],
  [
    'HistoryApi.conversations',
    'GET /api/conversations',
    '200',
    history.ConversationsResponseSchema,
  ],
  [
    'HistoryApi.conversation',
    'GET /api/conversations/{id}',
    '200',
    history.ConversationResponseSchema,
  ],
  [
    'HistoryApi.putConversation',
    'PUT /api/conversations/{id}',
    '201',
    history.ConversationResponseSchema,
  ],
  ['HistoryApi.import', 'POST /api/conversations/import', '200', history.ImportedResponseSchema],
  ['HistoryApi.settings', 'GET /api/settings', '200', history.SettingsSchema],
  ['HistoryApi.patchSettings', 'PATCH /api/settings', '200', history.SettingsSchema],
];

let daemon: DaemonApp;
beforeAll(async () => {
  daemon = await buildDaemonApp();
});
afterAll(async () => {
  await daemon?.close();
});

describe("the SDK's answers", () => {
  it('are typed by the schemas their routes declare', () => {
    expectTypeOf<Answer<Client['enqueue']>>().toEqualTypeOf<Out<typeof api.TaskAcceptedSchema>>();
    expectTypeOf<Answer<Client['models']>>().toEqualTypeOf<
      Out<typeof api.ModelsResponseSchema>['models']
    >();
    expectTypeOf<Answer<Client['workers']>>().toEqualTypeOf<
      Out<typeof api.WorkersResponseSchema>['workers']
    >();
    expectTypeOf<Answer<Client['info']>>().toEqualTypeOf<Out<typeof api.DaemonInfoSchema>>();
    expectTypeOf<Answer<PoolApi['hosts']>>().toEqualTypeOf<
      Out<typeof hosts.HostsResponseSchema>['hosts']
    >();
    expectTypeOf<Answer<PoolApi['addHost' | 'connect' | 'trust']>>().toEqualTypeOf<
      Out<typeof hosts.HostInfoSchema>
    >();
    expectTypeOf<Answer<PoolApi['sshAliases']>>().toEqualTypeOf<
      Out<typeof hosts.SshAliasesResponseSchema>['aliases']
    >();
    expectTypeOf<Answer<PoolApi['status']>>().toEqualTypeOf<Out<typeof StatusLineSchema>>();
    expectTypeOf<Answer<PoolApi['models']>>().toEqualTypeOf<
      Out<typeof hosts.HostModelsResponseSchema>
    >();
    expectTypeOf<Answer<PoolApi['downloads']>>().toEqualTypeOf<
      Out<typeof hosts.DownloadsResponseSchema>['downloads']
    >();
    expectTypeOf<Answer<PoolApi['startDownload']>>().toEqualTypeOf<
      Out<typeof hosts.StartDownloadResponseSchema>
    >();
    expectTypeOf<Answer<PoolApi['workers']>>().toEqualTypeOf<
      Out<typeof hosts.HostWorkersResponseSchema>['workers']
    >();
    expectTypeOf<Answer<PoolApi['spawnWorker']>>().toEqualTypeOf<
      Out<typeof hosts.SpawnWorkerResponseSchema>
    >();
    expectTypeOf<Answer<HistoryApi['conversations']>>().toEqualTypeOf<
      Out<typeof history.ConversationsResponseSchema>['conversations']
    >();
    expectTypeOf<Answer<HistoryApi['conversation' | 'putConversation']>>().toEqualTypeOf<
      Out<typeof history.ConversationResponseSchema>
    >();
    expectTypeOf<Answer<HistoryApi['import']>>().toEqualTypeOf<
      Out<typeof history.ImportedResponseSchema>['imported']
    >();
    expectTypeOf<Answer<HistoryApi['settings' | 'patchSettings']>>().toEqualTypeOf<
      Out<typeof history.SettingsSchema>
    >();
  });

  it('read errors in the shape every route declares as its `default` answer', () => {
    // errors.ts keeps ErrorBody zod-free for every process; it and the schema are one type.
    expectTypeOf<ErrorResponse>().toEqualTypeOf<Out<typeof api.ErrorResponseSchema>>();
    // But Anthropic's and Ollama's routes, which answer errors in their shapes for their clients.
    const OLLAMA_ROUTES = new Set<string>([
      API.ollamaVersion,
      API.ollamaTags,
      API.ollamaPs,
      API.ollamaShow,
      API.ollamaChat,
      API.ollamaGenerate,
      API.ollamaEmbed,
    ]);
    const wrong = daemon.routes.filter((route) => {
      const answers = (route.schema as { response?: { default?: unknown } } | undefined)?.response;
      const expected = route.url.startsWith(API.anthropicMessages)
        ? AnthropicErrorSchema
        : OLLAMA_ROUTES.has(route.url)
          ? OllamaErrorSchema
          : api.ErrorResponseSchema;
      return answers !== undefined && answers.default !== expected;
    });
    expect(wrong.map((route) => route.url)).toEqual([]);
  });

  it('come from the very schema objects the routes declare', () => {
    const wrong: string[] = [];
    for (const [call, name, status, schema] of ANSWERS) {
      const route = daemon.routes.find((r) => routeNames(r).includes(name));
      const answers = (route?.schema as { response?: Record<string, unknown> } | undefined)
        ?.response;
      const declared = (
        answers?.[status] as { content?: Record<string, { schema: unknown }> } | undefined
      )?.content?.['application/json']?.schema;
      if (declared !== schema) wrong.push(`${call}: ${name} ${status} declares another schema`);
    }
    expect(wrong).toEqual([]);
  });
});
