import { readFileSync } from 'node:fs';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { version } from '../../../../package.json';
import {
  buildDaemonApp,
  registeredRoutes,
  routeNames,
  type DaemonApp,
} from '../../../../scripts/testing/daemon-app';

const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const DOC_FILE = new URL('../../../../docs/openapi.json', import.meta.url);

type Doc = Record<string, unknown>;
type Operation = { summary?: unknown; responses?: Record<string, unknown> };

// The real services, built but never started: only route registration matters here.
let daemon: DaemonApp;
let doc: Doc;
beforeAll(async () => {
  daemon = await buildDaemonApp();
  doc = daemon.app.swagger() as unknown as Doc;
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

function documentedRoutes(document: Doc): string[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => OPERATIONS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** The zod schemas of one answer: itself, or those of its content types. */
function answerSchemas(answer: unknown): unknown[] {
  const content = (answer as { content?: Record<string, { schema: unknown }> }).content;
  return content ? Object.values(content).map((media) => media.schema) : [answer];
}

/** What is missing from one route's declared schema, in words (none: it is complete). */
function schemaProblems(route: RouteOptions): string[] {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema) return ['no schema'];
  const problems: string[] = [];
  if (typeof schema.summary !== 'string' || !/^[^\n]+$/.test(schema.summary)) {
    problems.push('no one-line summary');
  }
  if (!Array.isArray(schema.tags) || schema.tags.length !== 1) problems.push('not one tag');
  // Every part that takes input is a zod schema, the one the validator compiler reads.
  for (const part of ['params', 'querystring', 'body', 'headers'] as const) {
    if (schema[part] !== undefined && !(schema[part] instanceof z.ZodType)) {
      problems.push(`${part} is not a zod schema`);
    }
  }
  const taken = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]).sort();
  const declared = Object.keys((schema.params as z.ZodObject | undefined)?.shape ?? {}).sort();
  if (declared.join() !== taken.join()) {
    problems.push(`params declare [${declared.join()}], the path takes [${taken.join()}]`);
  }
  // A success answer and `default` (every error, in the one ErrorResponse shape); with
  // `default` there, no status a route answers is left without a schema.
  const answers = (schema.response ?? {}) as Record<string, unknown>;
  if (!Object.keys(answers).some((status) => /^2\d\d$/.test(status))) {
    problems.push('no success (2xx) response schema');
  }
  if (!('default' in answers)) problems.push('no `default` (error) response schema');
  for (const [status, answer] of Object.entries(answers)) {
    if (!answerSchemas(answer).every((part) => part instanceof z.ZodType)) {
      problems.push(`response ${status} is not a zod schema`);
    }
  }
  return problems;
}

describe('the routes', () => {
  it('every one declares its schemas: the path parameters it takes and every answer', () => {
    const api = daemon.routes.filter((route) => routeNames(route).some(isApiRoute));
    expect(api.flatMap(routeNames)).toContain('POST /v2/tasks');
    expect(api.length).toBeGreaterThan(40);
    const incomplete = api.flatMap((route) =>
      schemaProblems(route).map((problem) => `${routeNames(route).join(', ')}: ${problem}`),
    );
    expect(incomplete, 'routes whose schema is missing or incomplete').toEqual([]);
  });
});

describe('OpenAPI document', () => {
  it('documents every route the daemon registers, and no other', () => {
    const all = registeredRoutes(daemon);
    // The static plugin ran: its routes exist, so excluding them above is not a no-op.
    expect(all).toContain('GET /assets/app.js');
    const served = all.filter(isApiRoute).sort();
    expect(served).toContain('POST /v2/tasks');
    expect(served.length).toBeGreaterThan(20);
    const documented = documentedRoutes(doc).sort();
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
    const fresh: unknown = JSON.parse(JSON.stringify(doc));
    expect(onDisk, 'docs/openapi.json is out of date: run `npm run openapi`').toEqual(fresh);
  });

  it('is OpenAPI 3.1 with a summary, a success and an error answer on every operation', () => {
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
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
