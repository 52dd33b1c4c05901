import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDaemonApp,
  registeredRoutes,
  type DaemonApp,
} from '../../../../scripts/testing/daemon-app';
import { API } from '../../../shared/api';
import { isErrorCode } from '../../../shared/errors';
import * as arb from '../../../shared/request-arbitraries';
import { errorCodeOf } from '../../../../scripts/testing/error-code';

/**
 * The daemon's real server (its real routes, store and services; no host connected), every write
 * route sent generated bodies with the token: valid ones, almost valid ones, any JSON, no JSON.
 * No answer is a 5xx; a refused request leaves hosts, settings, conversations and jobs exactly
 * as they were; an accepted settings PATCH is read back as sent.
 */
let daemon: DaemonApp;
let writes: { method: string; path: string }[];
beforeAll(async () => {
  daemon = await buildDaemonApp();
  writes = registeredRoutes(daemon)
    .map((route) => route.split(' ') as [string, string])
    .filter(([method]) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
    .map(([method, path]) => ({ method, path }));
});
afterAll(async () => {
  await daemon?.close();
});

const headers = () => ({ host: daemon.host, authorization: `Bearer ${daemon.token}` });

const settingsPatch = fc.dictionary(
  fc.oneof(
    arb.plainName,
    arb.anyText(8).filter((key) => key.length > 0),
  ),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null)),
  { maxKeys: 4 },
);

/** The body each write route is for (routes that take none get `{}`). */
function validFor(method: string, path: string): fc.Arbitrary<object> {
  const route = `${method} ${path}`;
  const byRoute: Record<string, fc.Arbitrary<object>> = {
    [`POST ${API.tasks}`]: arb.validTask,
    [`POST ${API.chatCompletions}`]: arb.validChatCompletion,
    [`POST ${API.completions}`]: arb.validCompletion,
    [`POST ${API.hosts}`]: arb.validAddHost,
    [`POST ${API.hosts}/{name}/trust`]: arb.validTrustHost,
    [`POST ${API.hosts}/{name}/replace-key`]: arb.validTrustHost,
    [`POST ${API.hosts}/{name}/downloads`]: arb.validStartDownload,
    [`POST ${API.hosts}/{name}/workers`]: arb.validSpawnWorker,
    [`PATCH ${API.settings}`]: settingsPatch,
    [`POST ${API.conversationsImport}`]: arb.validImport,
    [`PUT ${API.conversations}/{id}`]: arb.validPutConversation,
    [`PUT ${API.conversations}/{id}/messages/{messageId}`]: arb.validPutMessage,
  };
  return byRoute[route] ?? fc.constant({});
}

interface Sent {
  method: string;
  url: string;
  body: unknown;
  payload?: string;
  contentType?: string;
}

/** Host-scoped routes name a host that is not there: nothing may start an SSH connection. */
const PARAMS: Record<string, fc.Arbitrary<string>> = {
  name: fc.constant('no-such-host'),
  id: fc.constantFrom('c1', 'c2', 'm1', 'no-such-id'),
  messageId: fc.constantFrom('m1', 'm2'),
};

const request: fc.Arbitrary<Sent> = fc.integer({ min: 0, max: 1000 }).chain((pick) => {
  const { method, path } = writes[pick % writes.length] ?? { method: 'GET', path: '/' };
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const params = fc.tuple(...names.map((n) => PARAMS[n] ?? fc.constant('x')));
  const valid = validFor(method, path);
  // A valid inference request for a model nobody has re-reads this computer's workers (a
  // process start each): fewer of those.
  const inference = ([API.tasks, API.chatCompletions, API.completions] as string[]).includes(path);
  const body = fc.oneof(
    { weight: inference ? 1 : 3, arbitrary: valid.map((b) => ({ body: b })) },
    { weight: 3, arbitrary: arb.nearly(valid).map((b) => ({ body: b })) },
    fc.record({
      payload: fc.oneof(arb.anyText(20), fc.constantFrom('', '{', '{"__proto__":{"x":1}}', 'null')),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
    }),
    fc.constant({}),
  );
  return fc.tuple(params, body).map(([values, sent]) => {
    let i = 0;
    const url = path.replace(/\{\w+\}/g, () => encodeURIComponent(values[i++] ?? 'x'));
    return { method, url, body: undefined, ...sent };
  });
});

async function inject(sent: Sent) {
  const hasBody = 'body' in sent && sent.body !== undefined;
  return daemon.app.inject({
    method: sent.method as 'POST',
    url: sent.url,
    headers: {
      ...headers(),
      ...(sent.contentType ? { 'content-type': sent.contentType } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { payload: JSON.stringify(sent.body) } : {}),
    ...(sent.payload !== undefined ? { payload: sent.payload } : {}),
  });
}

/** Everything a request could leave behind, as the API shows it. */
async function state(): Promise<unknown> {
  // One correlation id, so that two reads of the same state are the same text.
  const get = async (url: string) =>
    (await daemon.app.inject({ url, headers: { ...headers(), 'x-correlation-id': 'state' } })).body;
  return {
    hosts: await get(API.hosts),
    settings: await get(API.settings),
    conversations: await get(API.conversations),
    c1: await get(API.conversation('c1')),
    c2: await get(API.conversation('c2')),
    tasks: (await get(API.tasks)).replace(/"queue_position":\d+/g, ''),
    workers: await get(API.workers),
  };
}

describe('write routes, generated bodies', () => {
  it('never answer 5xx; refused requests change nothing; settings read back as sent', async () => {
    let before = await state();
    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const answer = await inject(sent);
        const after = await state();
        const what = `${sent.method} ${sent.url} → ${answer.statusCode} ${answer.body.slice(0, 200)}`;
        expect(answer.statusCode, what).toBeLessThan(500);
        if (answer.statusCode >= 400) {
          expect(isErrorCode(errorCodeOf(answer.json())), what).toBe(true);
          expect(after, what).toEqual(before);
        } else if (sent.method === 'PATCH') {
          const stored = JSON.parse((after as { settings: string }).settings) as object;
          // As the server got it (JSON has no -0).
          const patch = JSON.parse(JSON.stringify(sent.body)) as object;
          for (const [key, value] of Object.entries(patch)) {
            if (value === null) expect(Object.keys(stored), what).not.toContain(key);
            else expect(stored, what).toHaveProperty([key], value);
          }
        }
        before = after;
      }),
      { numRuns: 300 },
    );
  });
});
