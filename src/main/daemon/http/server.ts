import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { API } from '../../../shared/api';
import { HTTP_STATUS, RbeesError, toErrorBody } from '../../../shared/errors';
import { BODY_LIMIT, errorBodyOf } from './server-errors';
import type { ClusterEvents } from '../cluster/cluster-events';
import type { ClusterMonitor } from '../cluster/cluster-monitor';
import type { ClusterWorkers } from '../cluster/cluster-workers';
import type { AgentFollowers } from '../hosts/agent-followers';
import type { HostRegistry } from '../hosts/host-registry';
import type { Jobs } from '../jobs/jobs';
import type { LocalModels } from '../cluster/local-models';
import type { Logger } from '../logger';
import type { DaemonMetrics } from '../metrics';
import { HealthSchema } from '../../../shared/api-schemas';
import { apiDocument } from './api-document';
import { ERRORS, json } from './route-schemas';
import { apiRoutes } from './routes/api';
import { conversationRoutes } from './routes/conversations';
import { eventRoutes } from './routes/events';
import { hostDownloadRoutes } from './routes/host-downloads';
import { hostInstallRoutes } from './routes/host-install';
import { hostModelRoutes } from './routes/host-models';
import { hostWorkerRoutes } from './routes/host-workers';
import { hostRoutes } from './routes/hosts';
import { openAiRoutes } from './routes/openai';
import { anthropicRoutes } from './routes/anthropic';
import { embeddingRoutes } from './routes/embeddings';
import { ollamaRoutes } from './routes/ollama';
import { openApiRoutes } from './routes/openapi';
import { taskRoutes } from './routes/tasks';
import { useZodSchemas } from './schema-compilers';
import { installSecurity, publicRoutes } from './security';
import type { JobRecord } from '../../../shared/inference';
import type { Store } from '../store/store';
import type { OnDemandWorkers } from '../cluster/on-demand';

export interface ServerDeps {
  token: string;
  allowedHosts: () => Set<string>;
  jobs: Jobs;
  hosts: HostRegistry;
  cluster: ClusterWorkers;
  events: ClusterEvents;
  monitor: ClusterMonitor;
  /** Worker logs and downloads followed on hosts, shared among readers and bounded per host. */
  followers: AgentFollowers;
  /** Variables the hosts' agents need for downloads (HF_ENDPOINT). */
  downloadEnv: Readonly<Record<string, string>>;
  models: LocalModels;
  onDemand: OnDemandWorkers;
  metrics: DaemonMetrics;
  logger: Logger;
  store: Store<JobRecord>;
  modelsDir: string;
  uiDir: string;
  /** What the agent is packed from for installs on hosts (the checkout or app folder). */
  sourceRoot: string;
  version: string;
}

const CORRELATION_ID = /^[\w.-]{1,128}$/;

/**
 * The daemon's HTTP server: security first (every route needs the token but the public ones),
 * then the UI, the API and errors in one shape.
 */
export function createServer(deps: ServerDeps): FastifyInstance {
  // Typed as Fastify's logger so that the app keeps Fastify's default type parameters.
  const logger: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance: logger,
    // Event streams are long-lived: on close, end them rather than wait for their readers.
    forceCloseConnections: true,
    bodyLimit: BODY_LIMIT,
    // The router's default (100) answers a longer id with a bare 414; let the route's own check
    // (src/shared/ids.ts) refuse it, naming the field and what is allowed.
    routerOptions: { maxParamLength: 4096 },
    genReqId: (request) => {
      const given = request.headers['x-correlation-id'];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    },
  });
  useZodSchemas(app);
  acceptBodilessJson(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  installSecurity(app, { token: deps.token, hosts: deps.allowedHosts });

  app.setErrorHandler((err, request, reply) => {
    const body = errorBodyOf(err, request);
    return reply.code(HTTP_STATUS[body.code]).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) => {
    const body = toErrorBody(
      new RbeesError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`),
      request.id,
    );
    return reply.code(404).send({ error: body });
  });

  // Before any route: the API document is generated from the routes' declarations.
  apiDocument(app, deps.version);
  // The only routes without the token: the UI's files (the page asks for the token) and liveness.
  publicRoutes(app, async (open) => {
    if (existsSync(deps.uiDir)) {
      await open.register(fastifyStatic, {
        root: deps.uiDir,
        wildcard: false,
        index: 'index.html',
      });
    } else {
      deps.logger.warn({ uiDir: deps.uiDir }, 'UI not built; run `npm run build`');
    }
    const health = {
      tags: ['daemon'],
      summary: 'Check that the daemon answers',
      security: [],
      response: { 200: json(HealthSchema, 'Alive.'), ...ERRORS },
    };
    open.get(API.health, { schema: health }, async () => ({ status: 'ok' as const }));
  });
  // In a plugin, so that the document's generator (registered above) sees every route.
  void app.register(async (api) => {
    taskRoutes(api, deps.jobs, deps.store.jobs);
    openAiRoutes(api, deps.jobs);
    embeddingRoutes(api, deps.jobs);
    anthropicRoutes(api, deps.jobs);
    ollamaRoutes(api, deps.jobs);
    apiRoutes(api, deps);
    hostRoutes(api, deps.hosts);
    hostModelRoutes(api, deps.hosts, deps.monitor);
    hostDownloadRoutes(api, deps.hosts, deps.monitor, deps.downloadEnv, deps.followers);
    eventRoutes(api, deps.events, deps.monitor);
    hostInstallRoutes(api, deps.hosts, deps.monitor, deps.sourceRoot);
    hostWorkerRoutes(api, deps.hosts, (host) => deps.cluster.refresh(host), deps.followers);
    conversationRoutes(api, deps.store);
    openApiRoutes(api);
  });
  return app;
}

/**
 * Many clients send `content-type: application/json` on every request, a bodiless DELETE
 * included: an empty body is no body (the route's schema then says whether it needs one), not a
 * JSON syntax error. Any other body goes to fastify's own parser, which refuses `__proto__` and
 * `constructor` keys.
 */
function acceptBodilessJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    return parse(request, text, done);
  });
}
