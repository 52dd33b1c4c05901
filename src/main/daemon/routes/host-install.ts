import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { API } from '../../../shared/api';
import { RbeesError, toErrorBody } from '../../../shared/errors';
import { encodeSse } from '../../../shared/sse';
import type { InstallEvent } from '../../install/install';
import { LineQueue } from '../../ssh';
import type { ClusterMonitor } from '../cluster-monitor';
import type { HostRegistry } from '../hosts/host-registry';
import { LOCAL_HOST } from '../hosts/host-registry';
import { sendSse } from '../sse-reply';

type Host = { Params: { name: string } };

/**
 * `POST /api/hosts/:name/install`: puts this daemon's agent on the host (or updates it), as
 * `llorch pool install` does, streaming its steps as server-sent events named by `event` and
 * ending with `installed` or `error`. Leaving the stream cancels the install (the old agent
 * stays: the new one is swapped in only at the end).
 */
export function hostInstallRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  monitor: Pick<ClusterMonitor, 'refresh'>,
  /** The checkout or app folder the agent is packed from (its out/main and node_modules). */
  sourceRoot: string,
): void {
  app.post<Host>(`${API.hosts}/:name/install`, async (request, reply) => {
    const { name } = request.params;
    if (name === LOCAL_HOST) {
      throw new RbeesError('BAD_REQUEST', 'local: this computer runs the agent bundled with rbees');
    }
    const agentDir = hosts.agentDirOf(name);
    const session = await hosts.sessionOf(name);
    const { installAgent } = await import('../../install/install');
    await sendSse(request, reply, async function* (signal) {
      const steps = new LineQueue<InstallEvent>();
      const done = installAgent({
        session,
        agentDir,
        root: sourceRoot,
        signal,
        emit: (e) => steps.push(e),
      })
        .then((result) => steps.push({ ...result }))
        .catch((err: unknown) => steps.push({ event: 'error', ...toErrorBody(err, request.id) }))
        .finally(() => steps.end());
      for await (const step of steps)
        yield encodeSse({ event: step.event, data: JSON.stringify(step) });
      await done;
      monitor.refresh(name);
    });
  });
}

/** `out/main` → the folder holding it and node_modules. */
export function sourceRootOf(bundleDir: string): string {
  return dirname(dirname(bundleDir));
}
