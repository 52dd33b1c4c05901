import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import { RbeesError, toErrorBody } from '../../../../shared/errors';
import { AgentVersionResponseSchema } from '../../../../shared/host-schemas';
import { encodeSse } from '../../../../shared/sse';
import type { InstallEvent } from '../../../install/install';
import { isPlatform, platformFromUname } from '../../../install/platform';
import type { Platform } from '../../../install/platform';
import { capture, checkAgentDir, parseVersionProbe, versionCommand } from '../../../install/remote';
import { agentVersionState, ShippedVersions } from '../../../install/version';
import { LineQueue } from '../../../ssh';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import { restartAgentServe } from '../../hosts/agent-runner';
import type { HostRegistry } from '../../hosts/host-registry';
import { LOCAL_HOST } from '../../hosts/host-registry';
import { ByHost, ERRORS, json, sse } from '../route-schemas';
import { sendSse } from '../sse-reply';

const TAG = ['hosts'];
const INSTALL_STEPS = [
  'probed',
  'payload',
  'current',
  'uploaded',
  'verified',
  'swapped',
  'checked',
  'installed',
  'error',
];

function remoteOnly(name: string): void {
  if (name === LOCAL_HOST) {
    throw new RbeesError('BAD_REQUEST', 'local: this computer runs the agent bundled with rbees');
  }
}

/**
 * `POST /api/hosts/:name/install`: puts this daemon's agent on the host (or updates it), as
 * `llorch pool install` does, streaming its steps as server-sent events named by `event` and
 * ending with `installed` or `error`. Leaving the stream cancels the install (the old agent
 * stays: the new one is swapped in only at the end).
 *
 * `GET /api/hosts/:name/agent`: the installed agent's version against the shipped one. The host
 * side is one short exec (`cat VERSION`); the shipped side hashes the bundle once per platform
 * (~250 ms here, on the first call, never at start-up) and is kept.
 */
export function hostInstallRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  monitor: Pick<ClusterMonitor, 'refresh'>,
  /** The checkout or app folder the agent is packed from (its out/main and node_modules). */
  sourceRoot: string,
): void {
  const shipped = new ShippedVersions(sourceRoot);
  const api = app.withTypeProvider<ZodTypeProvider>();

  const agentSchema = {
    tags: TAG,
    summary: "Compare the host's installed agent with the one this app ships",
    description:
      'Reads VERSION in the agent dir (one short exec); the shipped version is a content ' +
      'hash of the agent bundle and its packages, computed once per platform.',
    params: ByHost,
    response: {
      200: json(AgentVersionResponseSchema, 'Installed and shipped versions.'),
      ...ERRORS,
    },
  };
  api.get(`${API.hosts}/:name/agent`, { schema: agentSchema }, async (request) => {
    const { name } = request.params;
    remoteOnly(name);
    const dir = checkAgentDir(hosts.agentDirOf(name));
    const session = await hosts.sessionOf(name);
    const probed = await capture(session, versionCommand(dir));
    const found = parseVersionProbe(probed.stdout);
    if (probed.code !== 0 || found.uname === '') {
      throw new RbeesError(
        'AGENT_FAILED',
        `${name}: reading ${dir}/VERSION failed (exit ${probed.code}): ${probed.stderr.trim()}`,
        { host: name },
      );
    }
    let platform: Platform | null = null;
    try {
      platform = platformFromUname(found.uname, name);
    } catch {
      // A platform rbees has no agent for: nothing to compare with, and the install says why.
    }
    const version = platform === null ? null : await shipped.get(platform);
    return {
      state: agentVersionState(found.installed, found.present, version),
      installed: found.installed,
      shipped: version,
      platform,
    };
  });

  const installSchema = {
    tags: TAG,
    summary: "Install or update this daemon's agent on the host",
    params: ByHost,
    response: {
      200: sse(
        'The install steps as they happen; leaving the stream cancels it (the old agent stays).',
        INSTALL_STEPS,
        "Each event's data is an install step ({event, …facts}); `error` carries an ErrorBody.",
      ),
      ...ERRORS,
    },
  };
  api.post(`${API.hosts}/:name/install`, { schema: installSchema }, async (request, reply) => {
    const { name } = request.params;
    remoteOnly(name);
    const agentDir = hosts.agentDirOf(name);
    const session = await hosts.sessionOf(name);
    const { installAgent } = await import('../../../install/install');
    await sendSse(request, reply, async function* (signal) {
      const steps = new LineQueue<InstallEvent>();
      let platform: Platform | null = null;
      const done = installAgent({
        session,
        agentDir,
        root: sourceRoot,
        signal,
        emit: (e) => {
          if (e.event === 'payload' && typeof e.platform === 'string' && isPlatform(e.platform)) {
            platform = e.platform;
          }
          steps.push(e);
        },
      })
        .then((result) => {
          // The version just hashed is the one to compare with from now on (a rebuilt checkout).
          if (platform !== null) shipped.set(platform, result.version);
          steps.push({ ...result });
        })
        .catch((err: unknown) => steps.push({ event: 'error', ...toErrorBody(err, request.id) }))
        .finally(() => {
          // The long-lived `serve` still runs the replaced code: the next status starts the new.
          restartAgentServe(session, agentDir);
          steps.end();
        });
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
