/**
 * An agent of another version on a real OpenSSH pool host: the real agent, its JSON lines passed
 * through `sed` that renames fields as an older or newer release would print them. Through the
 * built daemon's API, every call that reads those lines fails with AGENT_OUTDATED naming the
 * host, the command, the field and the fix, and the UI's live state carries it (so the host card
 * offers "Update agent"), instead of an answer with holes in it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_BUNDLE, installLauncher } from '../../../../scripts/testing/cli-process';
import { eventually } from '../../../../scripts/testing/eventually';
import {
  putModelOnHost,
  startPool,
  type PoolFixture,
} from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { API } from '../../../shared/api';
import type { ErrorBody } from '../../../shared/errors';
import type { ClusterSnapshot } from '../../../shared/events';
import { decodeSse, type SseMessage } from '../../../shared/sse';

const HOST = 'stale';
/** What the older agent calls these fields. */
const RENAMES = { gpus: 'devices', size_bytes: 'size', cleaned: 'removed' };

let pool: PoolFixture;
let host: TestHost;

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 1 } });
  [host] = pool.hosts as [TestHost];
  const agent = join(pool.dir, 'stale-agent');
  const { calls } = await installLauncher(agent);
  const sed = Object.entries(RENAMES)
    .map(([from, to]) => `s/"${from}":/"${to}":/g`)
    .join('; ');
  await writeFile(
    join(agent, 'rbees-pool'),
    [
      '#!/bin/sh',
      `echo "$*" >> ${calls}`,
      // Older than `serve`: it refuses it, so every call is a plain exec through the renames.
      `if [ "$1" = serve ]; then echo '{"event":"error","code":"BAD_REQUEST","message":"unknown command \\"serve\\""}'; exit 2; fi`,
      `${process.execPath} ${AGENT_BUNDLE} "$@" | sed '${sed}'`,
      '',
    ].join('\n'),
  );
  // Any file is a model entry (one that is no GGUF is listed with an error).
  const file = join(pool.dir, 'tiny.gguf');
  await writeFile(file, 'not really a model');
  await putModelOnHost(host, file);
  await pool.register(HOST, host, agent);
}, 120_000);

afterAll(async () => {
  await pool?.stop();
});

/** A 502 AGENT_OUTDATED that names the host, the command, the field and both ways to fix it. */
function expectOutdated(answer: { status: number; json: unknown }, command: string, field: string) {
  expect(answer.status, JSON.stringify(answer.json)).toBe(502);
  const { error } = answer.json as { error: ErrorBody };
  expect(error.code).toBe('AGENT_OUTDATED');
  expect(error.message).toMatch(new RegExp(`^${HOST}: rbees-pool ${command} answered`));
  expect(error.message).toContain(field);
  expect(error.message).toContain('"Update agent"');
  expect(error.message).toContain(`llorch pool install --host ${HOST}`);
  expect(error.details).toMatchObject({ host: HOST, command: `rbees-pool ${command}` });
}

describe('a pool host whose agent is of another version', () => {
  it('refuses its status, models and workers with AGENT_OUTDATED naming the fix', async () => {
    expectOutdated(await pool.daemon.call('GET', API.hostStatus(HOST)), 'status', 'gpus');
    expectOutdated(
      await pool.daemon.call('GET', API.hostModels(HOST)),
      'models list',
      'models.0.size_bytes',
    );
    expectOutdated(await pool.daemon.call('GET', API.hostWorkers(HOST)), 'worker list', 'cleaned');
  });

  it('shows the host in the live state with that error, for the card to offer an update', async () => {
    const stop = new AbortController();
    const seen: SseMessage[] = [];
    const reading = (async () => {
      const response = await fetch(`${pool.daemon.url}${API.events}`, {
        headers: { authorization: `Bearer ${pool.daemon.token}` },
        signal: stop.signal,
      });
      for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) seen.push(m);
    })().catch(() => undefined);
    try {
      const failed = await eventually(
        async () =>
          seen
            .filter((m) => m.event === 'host_status_error')
            .map((m) => JSON.parse(m.data) as { host: string; error: ErrorBody })
            .find((e) => e.host === HOST),
        (event) => event !== undefined,
      );
      expect(failed?.error).toMatchObject({ code: 'AGENT_OUTDATED' });
      const snapshot = JSON.parse(
        seen.find((m) => m.event === 'snapshot')?.data ?? '{}',
      ) as ClusterSnapshot;
      expect(snapshot.hosts.map((h) => h.info.name)).toContain(HOST);
    } finally {
      stop.abort();
      await reading;
    }
  });
});
