import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { version } from '../../package.json';
import { ClusterEvents } from '../../src/main/daemon/cluster/cluster-events';
import { ClusterMonitor } from '../../src/main/daemon/cluster/cluster-monitor';
import { ClusterWorkers } from '../../src/main/daemon/cluster/cluster-workers';
import { AgentFollowers } from '../../src/main/daemon/hosts/agent-followers';
import { HostRegistry } from '../../src/main/daemon/hosts/host-registry';
import { Jobs } from '../../src/main/daemon/jobs/jobs';
import { LocalModels } from '../../src/main/daemon/cluster/local-models';
import { createMetrics } from '../../src/main/daemon/metrics';
import { createServer } from '../../src/main/daemon/http/server';
import { Store } from '../../src/main/daemon/store/store';
import { OnDemandWorkers } from '../../src/main/daemon/cluster/on-demand';
import type { JobRecord } from '../../src/shared/inference';

/** The UI files the app serves: enough for the static routes to exist. */
export const UI_FILES = ['index.html', 'assets/app.js'];

export interface DaemonApp {
  app: FastifyInstance;
  token: string;
  /** The one Host header the app accepts. */
  host: string;
  close(): Promise<void>;
}

/**
 * The daemon's real HTTP server over its real services, built and ready but not listening and
 * with no host connected: for tests of what the routes are (app.inject), not of what they do.
 */
export async function buildDaemonApp(): Promise<DaemonApp> {
  const token = 'daemon-app-test-token';
  const host = 'localhost:80';
  const dir = mkdtempSync(join(tmpdir(), 'rbees-daemon-app-'));
  const uiDir = join(dir, 'ui');
  // As the daemon's config makes it at start.
  mkdirSync(join(dir, 'models'));
  for (const file of UI_FILES) {
    mkdirSync(join(uiDir, file, '..'), { recursive: true });
    writeFileSync(join(uiDir, file), file.endsWith('.html') ? '<!doctype html>' : '');
  }
  const logger = pino({ level: 'silent' });
  const metrics = createMetrics();
  const models = new LocalModels(join(dir, 'models'));
  const store = Store.open<JobRecord>(dir);
  const hosts = new HostRegistry({ home: dir, hosts: store.hosts, bundleDir: dir });
  const cluster = new ClusterWorkers({ hosts, logger, onChange: () => {} });
  const events = new ClusterEvents();
  const onDemand = new OnDemandWorkers({
    ...{ hosts, cluster, models, state: () => events.state, logger },
    ...{ freeVram: () => null, idleMs: 1000, slots: 1, threads: undefined },
  });
  const jobs = new Jobs({ starter: onDemand, cluster, logger, metrics });
  const followers = new AgentFollowers({ perHost: 6 });
  const monitor = new ClusterMonitor({ hosts, events, followers, logger });
  const app = createServer({
    ...{ token, allowedHosts: () => new Set([host]), jobs, hosts, cluster },
    ...{ events, monitor, followers },
    ...{ downloadEnv: {}, models, onDemand, metrics, logger, store },
    ...{ modelsDir: join(dir, 'models'), uiDir, version, sourceRoot: dir },
  });
  await app.ready();
  return {
    app,
    token,
    host,
    async close() {
      jobs.close();
      await app.close();
      followers.close();
      await onDemand.close();
      cluster.close();
      await hosts.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `METHOD /path/{param}` for every route fastify has, read from its route tree. */
export function registeredRoutes(server: FastifyInstance): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue;
    // e.g. `│   └── /:id/events (GET, HEAD)`: each level of nesting is 4 characters wide.
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`printRoutes printed a line this test cannot read: "${line}"`);
    const depth = (match[1] ?? '').length / 4;
    parents.length = depth;
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents.push(path);
    for (const method of match[3]?.split(', ') ?? []) {
      // A misread tree would name routes that do not exist.
      if (!server.hasRoute({ method, url: path })) {
        throw new Error(`printRoutes named ${method} ${path}, which fastify does not have`);
      }
      routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}
