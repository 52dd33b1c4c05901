import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../../../package.json';
import {
  buildDaemonApp,
  registeredRoutes,
  type DaemonApp,
} from '../../../../scripts/testing/daemon-app';
import { openApiDocument } from './openapi/document';

const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const DOC_FILE = new URL('../../../../docs/openapi.json', import.meta.url);

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { summary?: unknown; responses?: Record<string, unknown> };

// The real services, built but never started: only route registration matters here.
let daemon: DaemonApp;
beforeAll(async () => {
  daemon = await buildDaemonApp();
});

afterAll(async () => {
  await daemon?.close();
});

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
    const all = registeredRoutes(daemon.app);
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
    const denied = await daemon.app.inject({ url, headers: { host: daemon.host } });
    expect(denied.statusCode).toBe(401);
    const served = await daemon.app.inject({
      url,
      headers: { host: daemon.host, authorization: `Bearer ${daemon.token}` },
    });
    expect(served.statusCode).toBe(200);
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument(version))));
  });
});
