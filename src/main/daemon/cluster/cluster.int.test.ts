/**
 * The daemon driving a real pool host end to end, only through its HTTP API: a Hugging Face
 * download on the host (cut once, resumed), a worker spawned there and answering the official
 * `openai` client through the SSH tunnel, its logs as SSE, uploads (refused, cut, whole). The
 * host runs the built agent through a launcher. (Its link cut and restored: host-link.int.test.ts.)
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import type { TestModels } from '../../../../scripts/test-models';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { daemonSse, followSse, putFile } from '../../../../scripts/testing/daemon-http';
import { eventually } from '../../../../scripts/testing/eventually';
import type { HfStandIn } from '../../../../scripts/testing/hf-stand-in';
import { startPool } from '../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { run } from '../../../../scripts/testing/test-hosts/proc';
import { API } from '../../../shared/api';
import type { ClusterSnapshot, HostSample } from '../../../shared/events';
import type { HostModelsResponse } from '../../../shared/hosts';
import type { SseMessage } from '../../../shared/sse';

const REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
const FILE = 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf'; // the "script" test model
const MODEL = 'tinyllama-1.1b-chat-v1.0.Q8_0';
const TINY_FILE = 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf';
const HOST = 'gpu1';

let pool: PoolFixture;
let host: TestHost;
let hf: HfStandIn;
let daemon: DaemonProcess;
let models: TestModels;
let dir: string;

const hostModelsDir = (): string => join(host.home, '.rbees', 'models');

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool({
    hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } },
    hfRepos: { [REPO]: { files: { [FILE]: models.script, [TINY_FILE]: models.tiny } } },
  });
  [host] = pool.hosts as [TestHost];
  ({ daemon, dir } = pool);
  hf = pool.hf as HfStandIn;
  await pool.register(HOST, host);
}, 180_000);

afterAll(async () => {
  await pool?.stop();
});

describe('a pool host through the daemon API', () => {
  it('downloads a model on the host, resuming after the transfer is cut', async () => {
    hf.cutNext(512 * 1024);
    const started = await daemon.call('POST', API.hostDownloads(HOST), {
      ref: `hf:${REPO}::file=${FILE}`,
    });
    expect(started.status).toBe(202);
    const id = String(started.json.id);
    const events = await daemonSse(daemon, API.hostDownloadEvents(HOST, id));
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.at(-1)).toBe('done');
    const done = JSON.parse(events.at(-1)?.data ?? '{}') as { sha256: string };
    expect(done.sha256).toBe(hf.sha256(REPO, FILE));
    // The cut transfer was picked up where it stopped, not fetched again from byte 0.
    const ranged = hf.requests.filter((r) => typeof r.headers.range === 'string');
    expect(ranged.length).toBeGreaterThan(0);

    const listed = (await daemon.call('GET', API.hostModels(HOST)))
      .json as unknown as HostModelsResponse;
    expect(listed.models.map((m) => m.id)).toContain(MODEL);
    expect(listed.models.find((m) => m.id === MODEL)).toMatchObject({ architecture: 'llama' });
    const downloads = await daemon.call('GET', API.hostDownloads(HOST));
    expect(downloads.json.downloads).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, state: 'done' })]),
    );
    expect((await daemon.call('POST', API.hostDownloads(HOST), { ref: '-rf' })).status).toBe(400);

    const verified = await daemon.call('POST', API.hostModelVerify(HOST, MODEL));
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ event: 'verified', id: MODEL });
    expect((await daemon.call('POST', API.hostModelVerify(HOST, 'nope'))).status).toBe(404);
  }, 120_000);

  it('cancels a download: its events end with CANCELLED and no model appears', async () => {
    await run('rm', ['-f', join(hostModelsDir(), FILE)]);
    hf.setThrottle(256 * 1024);
    try {
      const started = await daemon.call('POST', API.hostDownloads(HOST), {
        ref: `hf:${REPO}::file=${FILE}`,
      });
      const id = String(started.json.id);
      const progress = await daemonSse(
        daemon,
        API.hostDownloadEvents(HOST, id),
        (m) => m.event === 'progress',
      );
      expect(progress.at(-1)?.event).toBe('progress');
      expect((await daemon.call('DELETE', API.hostDownload(HOST, id))).status).toBe(204);
      const events = await daemonSse(daemon, API.hostDownloadEvents(HOST, id));
      expect(events.at(-1)?.event).toBe('error');
      expect(JSON.parse(events.at(-1)?.data ?? '{}')).toMatchObject({ code: 'CANCELLED' });
      const listed = (await daemon.call('GET', API.hostModels(HOST)))
        .json as unknown as HostModelsResponse;
      expect(listed.models.map((m) => m.id)).not.toContain(MODEL);
    } finally {
      hf.setThrottle(undefined);
    }
    // Fetched again for the tests below (the partial is resumed, so this is quick).
    const again = await daemon.call('POST', API.hostDownloads(HOST), {
      ref: `hf:${REPO}::file=${FILE}`,
    });
    const done = await daemonSse(daemon, API.hostDownloadEvents(HOST, String(again.json.id)));
    expect(done.at(-1)?.event).toBe('done');
  }, 120_000);

  it('streams the cluster live: a snapshot, GPU samples, download progress; resumable', async () => {
    const stop = new AbortController();
    const seen: SseMessage[] = [];
    const follow = (lastEventId?: string, into = seen) =>
      followSse(daemon, API.events, into, { signal: stop.signal, lastEventId });
    const reading = follow().catch(() => undefined);
    const named = (event: string) => seen.filter((m) => m.event === event);
    try {
      await eventually(
        async () => named('snapshot'),
        (s) => s.length > 0,
      );
      const snapshot = JSON.parse(named('snapshot')[0]?.data ?? '{}') as ClusterSnapshot;
      expect(snapshot.hosts.map((h) => [h.info.name, h.info.state])).toEqual([
        ['local', 'local'],
        [HOST, 'online'],
      ]);
      // A watcher makes the daemon sample the hosts: the H200 from the fake nvidia-smi.
      const sampled = await eventually(
        async () =>
          named('host_status').map(
            (m) => JSON.parse(m.data) as { host: string; sample: HostSample },
          ),
        (list) => list.some((e) => e.host === HOST),
      );
      const gpu = sampled.find((e) => e.host === HOST)?.sample.gpus[0];
      expect(gpu).toMatchObject({ index: 0, temperature_c: expect.any(Number) as number });

      hf.setThrottle(1024 * 1024);
      const started = await daemon.call('POST', API.hostDownloads(HOST), {
        ref: `hf:${REPO}::file=${TINY_FILE}`,
      });
      const id = String(started.json.id);
      const events = await eventually(
        async () =>
          named('download')
            .map((m) => JSON.parse(m.data) as { id: string; event: { event: string } })
            .filter((d) => d.id === id)
            .map((d) => d.event.event),
        (list) => list.includes('done'),
        60_000,
      );
      expect(events[0]).toBe('start');
      expect(events).toContain('progress');
      expect(events.at(-1)).toBe('done');
      await eventually(
        async () => named('models_changed'),
        (m) => m.length > 0,
      );

      // Resuming after an event replays what followed it, with no new snapshot.
      // (A stream of its own: the first one goes on receiving live events meanwhile.)
      const at = seen.findIndex((m) => m.event === 'download');
      const replay: SseMessage[] = [];
      void follow(seen[at]?.id, replay).catch(() => undefined);
      const expected = seen.slice(at + 1).map((m) => m.id);
      await eventually(
        async () => replay.length,
        (n) => n >= expected.length,
      );
      expect(replay.slice(0, expected.length).map((m) => m.id)).toEqual(expected);
      expect(replay.some((m) => m.event === 'snapshot')).toBe(false);
    } finally {
      hf.setThrottle(undefined);
      stop.abort();
      await reading;
    }
    expect(
      (await daemon.call('DELETE', API.hostModel(HOST, TINY_FILE.replace('.gguf', '')))).status,
    ).toBe(204);
  }, 120_000);

  it("exports the host's GPU on /metrics, as its nvidia-smi reports it", async () => {
    const scrape = async () => {
      const response = await fetch(`${daemon.url}/metrics`, {
        headers: { authorization: `Bearer ${daemon.token}` },
      });
      return response.text();
    };
    // A scrape asks the monitor for fresh samples: the series appear by the next one.
    const text = await eventually(scrape, (t) => t.includes('rbees_gpu_memory_total_bytes{'));
    const series = (name: string) =>
      new RegExp(`^${name}\\{host="${HOST}",gpu="0"\\} (\\S+)$`, 'm').exec(text)?.[1];
    expect(Number(series('rbees_gpu_memory_total_bytes'))).toBe(143771 * 1024 * 1024);
    expect(Number(series('rbees_gpu_temperature_celsius'))).toBeGreaterThan(0);
    expect(series('rbees_gpu_utilization_percent')).toBeDefined();
    expect(text).toMatch(new RegExp(`^rbees_host_up\\{host="${HOST}"\\} 1$`, 'm'));
  });

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
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'greeting',
          schema: {
            type: 'object',
            properties: { word: { enum: ['hi', 'hello'] }, times: { type: 'integer' } },
            required: ['word', 'times'],
          },
        },
      },
    });
    const json = JSON.parse(structured.choices[0]?.message.content ?? '') as Record<
      string,
      unknown
    >;
    expect(['hi', 'hello']).toContain(json.word);
    expect(Number.isInteger(json.times)).toBe(true);
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
