import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../../package.json';
import { ClusterEvents } from './cluster-events';
import { ClusterMonitor } from './cluster-monitor';
import { ClusterWorkers } from './cluster-workers';
import { AgentFollowers } from './hosts/agent-followers';
import { HostRegistry } from './hosts/host-registry';
import { Jobs } from './jobs';
import { LocalModels } from './local-models';
import { createMetrics } from './metrics';
import { openApiDocument } from './openapi/document';
import { createServer } from './server';
import type { JobRecord } from '../../shared/inference';
import { Store } from './store/store';
import { WorkerSupervisor } from './worker-supervisor';

const TOKEN = 'openapi-test-token';
const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const DOC_FILE = new URL('../../../docs/openapi.json', import.meta.url);

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { summary?: unknown; responses?: Record<string, unknown> };

let dir: string;
let uiDir: string;
let app: FastifyInstance;
let close: () => Promise<void>;

// The real services, built but never started: only route registration matters here.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rbees-openapi-'));
  // A UI with files in a folder, so that the static routes exist and their exclusion is tested.
  uiDir = join(dir, 'ui');
  mkdirSync(join(uiDir, 'assets'), { recursive: true });
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html>');
  writeFileSync(join(uiDir, 'assets', 'app.js'), '');
  const logger = pino({ level: 'silent' });
  const metrics = createMetrics();
  const models = new LocalModels(join(dir, 'models'));
  const supervisor = new WorkerSupervisor({
    command: { command: process.execPath, args: [] },
    ...{ logsDir: dir, slots: 1, threads: undefined, idleMs: 1000, logger, onChange: () => {} },
  });
  const store = Store.open<JobRecord>(dir);
  const hosts = new HostRegistry({ home: dir, hosts: store.hosts, bundleDir: dir });
  const cluster = new ClusterWorkers({ hosts, logger, onChange: () => {} });
  const jobs = new Jobs({ models, supervisor, cluster, logger, metrics });
  const events = new ClusterEvents();
  const followers = new AgentFollowers({ perHost: 6 });
  const monitor = new ClusterMonitor({ hosts, events, followers, logger });
  app = createServer({
    ...{ token: TOKEN, allowedHosts: () => new Set(['localhost:80']), jobs, hosts, cluster },
    ...{ events, monitor, followers },
    ...{ downloadEnv: {}, models, supervisor, metrics, logger, store },
    ...{ modelsDir: join(dir, 'models'), uiDir, version, sourceRoot: dir },
  });
  await app.ready();
  close = async () => {
    jobs.close();
    await app.close();
    await supervisor.close();
    await hosts.close();
    store.close();
  };
});

afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

/** `METHOD /path/{param}` for every route fastify has, read from its route tree. */
function registeredRoutes(server: FastifyInstance): string[] {
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
      // A misread tree would name routes that do not exist: hasRoute catches that.
      expect(server.hasRoute({ method, url: path }), `${method} ${path}`).toBe(true);
      routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

/** Static UI files (and `/`, which serves index.html) are not the API. HEAD mirrors GET. */
function isApiRoute(route: string): boolean {
  const [method, path = ''] = route.split(' ');
  if (method === 'HEAD') return false;
  const isUiFile = path === '/' || ['/index.html', '/assets/app.js'].includes(path);
  return !(method === 'GET' && isUiFile);
}

function documentedRoutes(doc: Doc): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => OPERATIONS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('OpenAPI document', () => {
  it('documents every route the daemon registers, and no other', () => {
    const all = registeredRoutes(app);
    // The static plugin ran: its routes exist, so excluding them above is not a no-op.
    expect(all).toContain('GET /assets/app.js');
    const served = all.filter(isApiRoute).sort();
    expect(served).toContain('POST /v2/tasks');
    expect(served.length).toBeGreaterThan(20);
    const documented = documentedRoutes(openApiDocument(version)).sort();
    expect(
      served.filter((route) => !documented.includes(route)),
      'routes not documented',
    ).toEqual([]);
    expect(
      documented.filter((route) => !served.includes(route)),
      'documented, no route',
    ).toEqual([]);
  });

  it('is what docs/openapi.json holds', () => {
    let onDisk: unknown;
    try {
      onDisk = JSON.parse(readFileSync(DOC_FILE, 'utf8'));
    } catch (err) {
      throw new Error(`docs/openapi.json cannot be read: run \`npm run openapi\``, { cause: err });
    }
    const fresh: unknown = JSON.parse(JSON.stringify(openApiDocument(version)));
    expect(onDisk, 'docs/openapi.json is out of date: run `npm run openapi`').toEqual(fresh);
  });

  it('is OpenAPI 3.1 with a summary, a success and an error answer on every operation', () => {
    const doc = openApiDocument(version);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'rbees-orcd', version });
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!OPERATIONS.includes(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, where).toMatch(/^[^\n]+$/);
        const statuses = Object.keys(operation.responses ?? {});
        expect(
          statuses.some((status) => /^2\d\d$/.test(status)),
          where,
        ).toBe(true);
        expect(operation.responses?.default, where).toEqual({
          $ref: '#/components/responses/Error',
        });
      }
    }
    // Every `$ref` names something the document defines.
    for (const [, target] of JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const found = (target ?? '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(found, target).toBeDefined();
    }
  });

  it('is served at /api/openapi.json behind the bearer token', async () => {
    const url = '/api/openapi.json';
    const denied = await app.inject({ url, headers: { host: 'localhost:80' } });
    expect(denied.statusCode).toBe(401);
    const served = await app.inject({
      url,
      headers: { host: 'localhost:80', authorization: `Bearer ${TOKEN}` },
    });
    expect(served.statusCode).toBe(200);
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument(version))));
  });
});
