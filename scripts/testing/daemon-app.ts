import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
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
  /** Every route as it was declared (its schema included), in the order registered. */
  routes: RouteOptions[];
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
  const followers = new AgentFollowers({ perHost: 6 });
  const monitor = new ClusterMonitor({ hosts, events, followers, logger });
  const onDemand = new OnDemandWorkers({
    ...{ hosts, cluster, models, state: () => events.state, logger },
    statusRead: (name) => monitor.statusRead(name),
    ...{ freeVram: () => null, idleMs: 1000, slots: 1, threads: undefined },
  });
  const jobs = new Jobs({ starter: onDemand, cluster, logger, metrics });
  const app = createServer({
    ...{ token, allowedHosts: () => new Set([host]), jobs, hosts, cluster },
    ...{ events, monitor, followers },
    ...{ downloadEnv: {}, models, onDemand, metrics, logger, store },
    ...{ modelsDir: join(dir, 'models'), uiDir, version, sourceRoot: dir },
  });
  // The routes are added when their plugins load, at ready(): a hook added now sees them all.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  await app.ready();
  checkAllSeen(app, routes);
  return {
    app,
    routes,
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

/** `METHOD /path/{param}` for every route the app has (a route with two methods is two). */
export function registeredRoutes(daemon: DaemonApp): string[] {
  return daemon.routes.flatMap(routeNames);
}

export function routeNames(route: RouteOptions): string[] {
  return [route.method].flat().map((method) => `${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
}

/**
 * The onRoute hook sees the routes added after it: every one, since createServer adds them all
 * in plugins, which load at ready(). A route added on the root at once would be missed here, and
 * by the API document's generator (an onRoute hook too): refuse to build rather than miss it.
 * The router's own listing is only counted (a method list in parentheses per path), not parsed.
 */
function checkAllSeen(app: FastifyInstance, routes: RouteOptions[]): void {
  const listing = app.printRoutes({ commonPrefix: false });
  const inRouter = [...listing.matchAll(/\(([A-Z, ]+)\)$/gm)].flatMap((m) => m[1]!.split(', '));
  const seen = routes.flatMap(routeNames);
  if (inRouter.length !== seen.length) {
    throw new Error(
      `The router has ${inRouter.length} routes, the onRoute hook saw ${seen.length}: add every ` +
        'route inside a plugin (createServer), where the hook and the API document see it.',
    );
  }
}
