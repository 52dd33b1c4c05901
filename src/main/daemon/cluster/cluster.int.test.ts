/**
 * The daemon driving a real pool host end to end, only through its HTTP API: a Hugging Face
 * download on the host (cut once, resumed, cancelled), the cluster's live state and the host's
 * GPU in /metrics. The host runs the built agent through a launcher. (A worker there and
 * uploads: pool-worker.int.test.ts; its link cut and restored: host-link.int.test.ts.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import type { TestModels } from '../../../../scripts/test-models';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { daemonSse, followSse } from '../../../../scripts/testing/daemon-http';
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

const hostModelsDir = (): string => join(host.home, '.rbees', 'models');

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool({
    hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } },
    hfRepos: { [REPO]: { files: { [FILE]: models.script, [TINY_FILE]: models.tiny } } },
  });
  [host] = pool.hosts as [TestHost];
  ({ daemon } = pool);
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
});
