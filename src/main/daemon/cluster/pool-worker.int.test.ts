/**
 * A worker on a real pool host through the daemon's HTTP API: spawned there and answering the
 * official `openai` client through the SSH tunnel (plain, json_schema, tool-call and embedding
 * replies), its logs as SSE, and uploads to the host (refused, cut, whole). The host runs the
 * built agent through a launcher. (Downloads and the live state: cluster.int.test.ts.)
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../scripts/test-models';
import { daemonSse, putFile } from '../../../../scripts/testing/daemon-http';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../scripts/testing/eventually';
import {
  putModelOnHost,
  startPool,
  type PoolFixture,
} from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { run } from '../../../../scripts/testing/test-hosts/proc';
import { API } from '../../../shared/api';
import type { ClusterSnapshot } from '../../../shared/events';
import type { HostModelsResponse } from '../../../shared/hosts';

const MODEL = 'tinyllama-1.1b-chat-v1.0.Q8_0'; // the "script" test model, as a download names it
const HOST = 'gpu1';

let pool: PoolFixture;
let host: TestHost;
let daemon: DaemonProcess;
let models: TestModels;
let dir: string;

const GREETING = {
  type: 'object',
  properties: { word: { enum: ['hi', 'hello'] }, times: { type: 'integer' } },
  required: ['word', 'times'],
};

const hostModelsDir = (): string => join(host.home, '.rbees', 'models');

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool({ hosts: { count: 1 } });
  [host] = pool.hosts as [TestHost];
  ({ daemon, dir } = pool);
  await putModelOnHost(host, models.script, `${MODEL}.gguf`);
  await pool.register(HOST, host);
}, 180_000);

afterAll(async () => {
  await pool?.stop();
});

describe('a worker on a pool host through the daemon API', () => {
  it('spawns a worker there and routes /v1 to it through the tunnel', async () => {
    const spawned = await daemon.call('POST', API.hostWorkers(HOST), {
      model: MODEL,
      backend: 'cpu',
    });
    expect(spawned.status).toBe(201);
    const workerId = String(spawned.json.id);
    expect(spawned.json).toMatchObject({ model: MODEL, backend: 'cpu' });

    const openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token });
    const listed = await openai.models.list();
    expect(listed.data.map((m) => m.id)).toContain(MODEL);
    const reply = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 64,
    });
    expect(reply.choices[0]?.message.content).toBe(models.scriptText);
    // Structured output on a pool host's worker: the grammar travels with the job.
    const structured = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 200,
      response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema: GREETING } },
    });
    const json = JSON.parse(structured.choices[0]?.message.content ?? '') as Record<
      string,
      unknown
    >;
    expect(['hi', 'hello']).toContain(json.word);
    expect(Number.isInteger(json.times)).toBe(true);
    // So do tools: a named call, which the grammar enforces there.
    const called = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 200,
      tools: [{ type: 'function', function: { name: 'greet', parameters: GREETING } }],
      tool_choice: { type: 'function', function: { name: 'greet' } },
    });
    expect(called.choices[0]?.finish_reason).toBe('tool_calls');
    const call = called.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('no function call');
    expect(call.function.name).toBe('greet');
    expect(['hi', 'hello']).toContain((JSON.parse(call.function.arguments) as typeof json).word);
    // And embeddings, from the same worker's load.
    const embedded = await openai.embeddings.create({ model: MODEL, input: ['a cat', 'a dog'] });
    expect(embedded.data).toHaveLength(2);
    for (const { embedding } of embedded.data) expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
    // The live state keeps that reply's decode rate for the worker list.
    const [first] = await daemonSse(daemon, API.events, () => true);
    const snapshot = JSON.parse(first?.data ?? '{}') as ClusterSnapshot;
    const rates = snapshot.hosts.find((h) => h.info.name === HOST)?.worker_rates ?? {};
    expect(rates[workerId]).toBeGreaterThan(0);

    // The native API says which host and worker served it.
    const task = await daemon.call('POST', API.tasks, {
      model: MODEL,
      prompt: 'hi',
      max_tokens: 64,
    });
    const events = await daemonSse(daemon, API.taskEvents(String(task.json.job_id)));
    const startedEvent = events.find((e) => e.event === 'started');
    expect(JSON.parse(startedEvent?.data ?? '{}')).toMatchObject({
      host: HOST,
      worker_id: workerId,
    });
    const text = events
      .filter((e) => e.event === 'token')
      .map((e) => (JSON.parse(e.data) as { t: string }).t)
      .join('');
    expect(text).toBe(models.scriptText);

    const logs = await daemonSse(daemon, `${API.hostWorkerLogs(HOST, workerId)}?lines=50`);
    expect(logs.some((e) => e.event === 'log')).toBe(true);
    expect(logs.at(-1)?.event).toBe('logs_end');

    expect((await daemon.call('DELETE', API.hostWorker(HOST, workerId))).status).toBe(204);
    // Still listed (its file is on the host), with no context until a worker serves it again.
    type Listed = OpenAI.Model & { context_length: number | null; hosts: string[] };
    const after = await eventually(
      async () => ((await openai.models.list()).data as Listed[]).find((m) => m.id === MODEL),
      (model) => model?.context_length === null,
    );
    expect(after).toMatchObject({ id: MODEL, context_length: null, hosts: [HOST] });
  }, 120_000);

  it('uploads a model: a non-GGUF body or a cut one leaves nothing, a whole one is verified', async () => {
    const notGguf = join(dir, 'notes.gguf');
    await run('sh', ['-c', `head -c 100000 /dev/urandom > ${notGguf}`]);
    const refused = await putFile(daemon, API.hostModel(HOST, 'notes.gguf'), notGguf);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('not a GGUF model');

    const size = (await stat(models.tiny)).size;
    const cut = await putFile(
      daemon,
      API.hostModel(HOST, 'dropped.gguf'),
      models.tiny,
      Math.floor(size / 2),
    );
    expect(cut.status).toBe(0);
    const leftovers = await eventually(
      async () => (await readdir(hostModelsDir())).filter((f) => f.startsWith('dropped')),
      (files) => files.length === 0,
    );
    expect(leftovers).toEqual([]);

    const whole = await putFile(daemon, API.hostModel(HOST, 'dropped.gguf'), models.tiny);
    expect(whole.status).toBe(201);
    expect(JSON.parse(whole.body)).toMatchObject({ id: 'dropped', size_bytes: size });
    const listed = (await daemon.call('GET', API.hostModels(HOST)))
      .json as unknown as HostModelsResponse;
    expect(listed.models.map((m) => m.id)).toContain('dropped');
    expect((await readdir(hostModelsDir())).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const again = await putFile(daemon, API.hostModel(HOST, 'dropped.gguf'), models.tiny);
    expect(again.status).toBe(400);
    expect(again.body).toContain('already installed');
    expect((await daemon.call('DELETE', API.hostModel(HOST, 'dropped'))).status).toBe(204);
  }, 120_000);
});
