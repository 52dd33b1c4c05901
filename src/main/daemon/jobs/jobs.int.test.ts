import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../scripts/testing/eventually';
import { startDaemonProcess, type DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { ensureTestModels } from '../../../../scripts/test-models';
import type { JobList, JobRecord } from '../../../shared/inference';

/** The queue, task records, cancellation and /metrics of a real daemon with a real worker. */

let daemon: DaemonProcess;

beforeAll(async () => {
  const models = await ensureTestModels();
  daemon = await startDaemonProcess({
    // Tens of tokens a second: a job is still running when the test cancels it.
    models: [{ path: models.scriptSlow, as: 'long.gguf' }],
    env: { RBEES_QUEUE_CAPACITY: '1', RBEES_WORKER_SLOTS: '1' },
  });
});

afterAll(async () => {
  await daemon?.stop();
});

function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${daemon.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${daemon.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function task(id: string): Promise<JobRecord> {
  return (await (await api('GET', `/v2/tasks/${id}`)).json()) as JobRecord;
}

async function submit(max_tokens: number, prompt = 'Go'): Promise<Response> {
  return api('POST', '/v2/tasks', { model: 'long', prompt, max_tokens });
}

/** `name{labels} value` lines of the Prometheus text format, by series. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) series.set(match[1], Number(match[2]));
  }
  return series;
}

describe('queue, tasks and metrics of rbees-orcd', () => {
  it('queues to capacity, then answers 429 QUEUE_FULL with Retry-After', async () => {
    // A first reply loads the worker, whose ready line tells the daemon the context size.
    // (Waits are long and checked: on a loaded 2-core machine a model loads in many seconds.)
    const warm = (await (await submit(2)).json()) as { job_id: string };
    const warmed = await eventually(
      () => task(warm.job_id),
      (r) => r.status === 'succeeded',
      60_000,
    );
    expect(warmed.status).toBe('succeeded');
    const running = (await (await submit(2000)).json()) as { job_id: string };
    const streaming = await eventually(
      () => task(running.job_id),
      (r) => r.first_token_at !== null,
      60_000,
    );
    expect(streaming.status).toBe('running');
    const queued = (await (await submit(5)).json()) as { job_id: string; queue_position: number };
    expect(queued.queue_position).toBe(0);
    const refused = await submit(5);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('QUEUE_FULL');
    expect(body.error.message).toContain('RBEES_QUEUE_CAPACITY');

    // Records: the running one names its worker; the queued one its position.
    expect(await task(running.job_id)).toMatchObject({
      ...{ status: 'running', model: 'long', host: 'local', worker_id: 'local-long' },
      ...{ finished_at: null, error: null },
    });
    expect(await task(queued.job_id)).toMatchObject({ status: 'queued', queue_position: 0 });

    // Cancel the queued one (twice: idempotent), then the running one: the slot frees at once.
    expect((await api('DELETE', `/v2/tasks/${queued.job_id}`)).status).toBe(204);
    expect((await api('DELETE', `/v2/tasks/${queued.job_id}`)).status).toBe(204);
    expect((await task(queued.job_id)).status).toBe('cancelled');
    // How fast is measured by `npm run bench -- sched`; here, that it happens.
    expect((await api('DELETE', `/v2/tasks/${running.job_id}`)).status).toBe(204);
    const slotsFree = async () =>
      ((await (await api('GET', '/api/workers')).json()) as { workers: { slots_busy: number }[] })
        .workers[0]?.slots_busy;
    expect(await eventually(slotsFree, (busy) => busy === 0)).toBe(0);
    const cancelled = await task(running.job_id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(cancelled.first_token_at).not.toBeNull();
    expect((await api('GET', '/v2/tasks/nope')).status).toBe(404);

    const list = (await (await api('GET', '/v2/tasks?limit=2')).json()) as JobList;
    expect(list.jobs.map((j) => j.job_id)).toEqual([queued.job_id, running.job_id]);
    expect((await api('GET', '/v2/tasks?limit=0')).status).toBe(400);
  });

  it("refuses at admission an input that cannot fit the worker's context", async () => {
    const response = await submit(2048, 'x'.repeat(32768));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(
      /^prompt: the input \(at least 4097 tokens\) does not fit the context of "long" \(\d+ tokens/,
    );
  });

  it('exposes job, token, worker and host metrics, and /health', async () => {
    const done = (await (await submit(20)).json()) as { job_id: string };
    const finished = await eventually(
      () => task(done.job_id),
      (r) => r.status === 'succeeded',
      60_000,
    );
    expect(finished.status).toBe('succeeded');
    const response = await api('GET', '/metrics');
    const text = await response.text();
    const series = parseMetrics(text);
    expect(series.get('rbees_jobs_total{outcome="succeeded"}')).toBeGreaterThanOrEqual(2);
    expect(series.get('rbees_jobs_total{outcome="cancelled"}')).toBeGreaterThanOrEqual(2);
    expect(series.get('rbees_queue_depth')).toBe(0);
    expect(series.get('rbees_time_to_first_token_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(series.get('rbees_token_latency_seconds_count')).toBeGreaterThan(10);
    expect(series.get('rbees_token_latency_seconds_bucket{le="+Inf"}')).toBe(
      series.get('rbees_token_latency_seconds_count'),
    );
    expect(
      series.get('rbees_worker_tokens_per_second{host="local",worker="local-long"}'),
    ).toBeGreaterThan(0);
    expect(series.get('rbees_host_up{host="local"}')).toBe(1);
    // No GPU on this machine: the GPU gauges are declared, with no series.
    for (const name of [
      'rbees_gpu_memory_used_bytes',
      'rbees_gpu_memory_total_bytes',
      'rbees_gpu_utilization_percent',
      'rbees_gpu_temperature_celsius',
    ])
      expect(text).toContain(`# TYPE ${name} gauge`);
    const health = await api('GET', '/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });
});
