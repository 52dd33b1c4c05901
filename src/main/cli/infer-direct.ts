import { randomUUID } from 'node:crypto';
import { RbeesError } from '../../shared/errors';
import { DEFAULT_TEMPERATURE } from '../../shared/inference';
import type { InferenceEvent, TaskRequest } from '../../shared/inference';
import { resolveModelId } from '../../shared/models';
import { remoteAgent } from '../daemon/hosts/agent-runner';
import { listWorkers, servingWorkers } from '../daemon/hosts/agent-workers';
import { executeOnWorker } from '../daemon/jobs/worker-client';
import { SshSession, tunnelAgent } from '../ssh';
import type { ConnectionArgs } from './connection-args';
import { hostOptions, registeredConnection } from './host-target';

/**
 * `llorch infer --host H`: straight to a worker that H's agent runs, through an SSH tunnel of
 * this command's own session; no daemon involved. The worker is found with `worker list`.
 */
export async function* inferOnHost(
  connection: ConnectionArgs,
  request: Omit<TaskRequest, 'priority' | 'session_id'>,
  signal: AbortSignal,
): AsyncGenerator<InferenceEvent> {
  connection = await registeredConnection(connection);
  const session = new SshSession(await hostOptions(connection));
  try {
    await (connection.trustHostKey !== undefined
      ? session.trust(connection.trustHostKey)
      : session.connect());
    const runner = remoteAgent(connection.host, session, connection.agentDir);
    // With the workers' secrets: this command holds the SSH session, which is what guards them.
    const ready = servingWorkers(await listWorkers(runner, { signal }));
    const { model, ...sampling } = request;
    const served = [...new Set(ready.map((w) => w.model))];
    let id: string;
    try {
      id = resolveModelId(model, served);
    } catch {
      throw new RbeesError(
        'MODEL_NOT_FOUND',
        `${connection.host}: no worker there serves "${model}" (serving: ${served.join(', ') || 'none'}). ` +
          `Start one: llorch pool worker spawn cpu --model ${model} --host ${connection.host}`,
        { host: connection.host, requested: model, available: served },
      );
    }
    // The least busy of the model's workers, as the agent saw them a moment ago.
    const worker = ready
      .filter((w) => w.model === id)
      .sort((a, b) => (a.slots_busy ?? 0) - (b.slots_busy ?? 0))[0] as (typeof ready)[number];
    yield* executeOnWorker(
      {
        baseUrl: `http://127.0.0.1:${worker.port}`,
        secret: worker.secret,
        agent: tunnelAgent(session),
      },
      {
        ...sampling,
        temperature: sampling.temperature ?? DEFAULT_TEMPERATURE,
        job_id: randomUUID(),
      },
      signal,
    );
  } finally {
    await session.close();
  }
}
