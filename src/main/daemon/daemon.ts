import { join } from 'node:path';
import { RbeesError } from '../../shared/errors';
import { canServe } from '../../shared/hosts';
import type { JobRecord } from '../../shared/inference';
import type { DaemonConfig } from './config';
import { ClusterEvents } from './cluster/cluster-events';
import { journalCluster } from './cluster/cluster-journal';
import { ClusterMonitor } from './cluster/cluster-monitor';
import { ClusterWorkers, freeVram } from './cluster/cluster-workers';
import { Closers } from './closers';
import { AgentFollowers } from './hosts/agent-followers';
import { HostRegistry } from './hosts/host-registry';
import { Jobs } from './jobs/jobs';
import { LocalModels } from './cluster/local-models';
import { openLog, type Logger } from './logger';
import { createMetrics } from './metrics';
import { logTightened, tightenHome } from './private-home';
import { allowedHosts } from './http/security';
import { sourceRootOf } from './http/routes/host-install';
import { OnDemandWorkers } from './cluster/on-demand';
import { createServer } from './http/server';
import { Store } from './store/store';

export interface StartOptions {
  config: DaemonConfig;
  /** Listen on a free port when the configured one is taken (the desktop app), else fail. */
  portFallback?: boolean;
  /** Where the entry's bundle lives (`out/main`): the worker and the UI are found from there. */
  bundleDir: string;
  version: string;
}

export interface RunningDaemon {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The URL to open, carrying the token in the fragment (never sent to a server). */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The composition root of rbees-orcd: builds every service, wires them, listens. A start that
 * fails (a taken port, say) closes what it had opened before it rejects.
 */
export async function startDaemon(options: StartOptions): Promise<RunningDaemon> {
  // Before anything opens its files: a home left readable by an older rbees is closed first.
  const tightened = tightenHome(options.config.home);
  const log = openLog(options.config.logsDir);
  const { logger } = log;
  const closers = new Closers((service, err) =>
    logger.error({ err, service }, 'rbees-orcd: a service failed to close'),
  );
  closers.add('the log', () => {
    logger.info('rbees-orcd stopped');
    return log.close();
  });
  logTightened(logger, options.config.home, tightened);
  try {
    return await wire(options, logger, closers);
  } catch (err) {
    logger.error({ err }, 'rbees-orcd could not start');
    // The start's own error is the one to report; a close that fails as well is in the log.
    await closers.closeAll().catch(() => undefined);
    throw err;
  }
}

/** Builds and wires the services, each one's close added to `closers` as soon as it exists. */
async function wire(
  options: StartOptions,
  logger: Logger,
  closers: Closers,
): Promise<RunningDaemon> {
  const { config } = options;
  const metrics = createMetrics();
  const models = new LocalModels(config.modelsDir);
  // The cluster's workers wake the scheduler, which is built after them: a late-bound reference.
  let jobs: Jobs | undefined = undefined;
  const store = Store.open<JobRecord>(config.home);
  closers.add('the store', () => store.close());
  const lost = store.jobs.failUnfinished({
    code: 'DAEMON_RESTARTED',
    message:
      'rbees-orcd stopped (it crashed or was killed) while this task was queued or running; ' +
      'send it again.',
  });
  if (lost > 0) logger.warn({ jobs: lost }, 'tasks cut short by the previous run marked failed');
  const pool = new HostRegistry({
    home: config.home,
    hosts: store.hosts,
    bundleDir: options.bundleDir,
    heartbeatS: config.heartbeatS,
  });
  closers.add('the SSH sessions', () => pool.close());
  pool.load();
  const events = new ClusterEvents();
  closers.add('the cluster journal', journalCluster(events, store.seen, logger));
  const followers = new AgentFollowers({ perHost: config.followersPerHost });
  closers.add('the log and download followers', () => followers.close());
  const monitor = new ClusterMonitor({ hosts: pool, events, followers, logger });
  closers.add('the cluster monitor', () => monitor.close());
  const cluster = new ClusterWorkers({
    hosts: pool,
    logger,
    onChange: () => jobs?.pump(),
    onWorkers: (host, workers) => monitor.workersChanged(host, workers),
    freeVram: (host, gpu) => freeVram(events.state, host, gpu),
  });
  closers.add("the hosts' workers", () => cluster.close());
  metrics.bindCluster({ state: () => events.state, onScrape: () => monitor.watch() });
  const onDemand = new OnDemandWorkers({
    ...{ hosts: pool, cluster, models, state: () => events.state, logger },
    statusRead: (host) => monitor.statusRead(host),
    freeVram: (host, gpu) => freeVram(events.state, host, gpu),
    idleMs: config.workerIdleS * 1000,
    slots: config.workerSlots,
    threads: config.workerThreads,
  });
  // It stops the workers it started for its jobs, on every host it reaches: before the sessions.
  closers.add('the workers started on demand', () => onDemand.close());
  jobs = new Jobs({
    starter: onDemand,
    trainedContext: async (modelId) => {
      const file = (await models.list()).find((m) => m.id === modelId);
      return file ? models.trainedContext(file) : null;
    },
    awayWith: (model) => {
      const reachable = new Set(
        pool
          .list()
          .filter(canServe)
          .map((h) => h.name),
      );
      return store.seen.modelSightings(model).flatMap((s) => (reachable.has(s.host) ? [] : s.host));
    },
    ...{ cluster, logger, metrics, queueCapacity: config.queueCapacity },
    onRate: (host, worker, rate) =>
      events.publish({ type: 'worker_rate', data: { host, worker, tokens_per_sec: rate } }),
    journal: {
      changed(record) {
        events.publish({ type: 'job', data: record });
        try {
          store.jobs.save(record);
        } catch (err) {
          // The job runs on: its record is a history, not what serves it.
          logger.warn({ job: record.job_id, err }, 'cannot record the task');
        }
      },
    },
  });
  let hosts = new Set<string>();
  const app = createServer({
    ...{
      token: config.token,
      allowedHosts: () => hosts,
      jobs,
      hosts: pool,
      cluster,
      events,
      monitor,
      followers,
      downloadEnv: config.hfEndpoint ? { HF_ENDPOINT: config.hfEndpoint } : {},
      models,
      onDemand,
      metrics,
      logger,
      store,
    },
    modelsDir: config.modelsDir,
    uiDir: join(options.bundleDir, '..', 'renderer'),
    sourceRoot: sourceRootOf(options.bundleDir),
    version: options.version,
  });
  closers.add('the HTTP server', () => app.close());
  // Added after the server so that it runs first: the jobs are cancelled, and their last events
  // reach their streams before the connections are closed.
  closers.add('the jobs', async () => {
    jobs.close();
    await new Promise((resolve) => setImmediate(resolve));
  });

  const port = await listen(app, config.host, config.port, options.portFallback ?? false);
  hosts = allowedHosts(config.host, port, config.allowedHosts);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url }, 'rbees-orcd listening');
  monitor.start();
  pool.connectAll();
  void cluster.refresh('local');

  return {
    url,
    openUrl: `${url}/#token=${encodeURIComponent(config.token)}`,
    port,
    token: config.token,
    /** Closes every service even when one fails; rejects naming those that failed. */
    close: () => closers.closeAll(),
  };
}

async function listen(
  app: ReturnType<typeof createServer>,
  host: string,
  port: number,
  fallback: boolean,
): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (!fallback) {
      throw new RbeesError(
        'BAD_REQUEST',
        `Port ${port} on ${host} is already in use (another rbees-orcd?). Stop that program, ` +
          `or pick another port: RBEES_PORT=${port + 1} npm run serve`,
      );
    }
    await app.listen({ host, port: 0 });
  }
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
