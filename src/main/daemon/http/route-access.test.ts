import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDaemonApp,
  registeredRoutes,
  UI_FILES,
  type DaemonApp,
} from '../../../../scripts/testing/daemon-app';
import { errorCodeOf } from '../../../../scripts/testing/error-code';

// Every route of the real server, asked without the token: only the public ones answer.
let daemon: DaemonApp;
beforeAll(async () => {
  daemon = await buildDaemonApp();
});

afterAll(async () => {
  await daemon?.close();
});

const PUBLIC_PATHS = ['/', ...UI_FILES.map((file) => `/${file}`), '/health'];

function concrete(path: string): string {
  return path.replace(/\{\w+\}/g, 'x');
}

describe('which routes need the token', () => {
  it('is every route but the UI files and /health, whatever their method', async () => {
    const routes = registeredRoutes(daemon).map((route) => {
      const [method = '', path = ''] = route.split(' ');
      return { method, path: concrete(path) };
    });
    expect(routes.length).toBeGreaterThan(40);
    const open: string[] = [];
    for (const { method, path } of routes) {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${daemon.token}`]) {
        const answer = await daemon.app.inject({
          method: method as 'GET',
          url: path,
          headers: { host: daemon.host, ...(authorization ? { authorization } : {}) },
        });
        if (answer.statusCode !== 401) open.push(`${method} ${path} (${answer.statusCode})`);
        else if (method !== 'HEAD') {
          expect(errorCodeOf(answer.json())).toBe('UNAUTHORIZED');
        }
      }
    }
    const expected = PUBLIC_PATHS.flatMap((path) =>
      ['GET', 'HEAD'].flatMap((method) => Array(3).fill(`${method} ${path} (200)`) as string[]),
    );
    expect(open.sort()).toEqual(expected.sort());
  });

  it('is also a path that matches no route: a 404 is for whoever has the token', async () => {
    const headers = { host: daemon.host };
    const denied = await daemon.app.inject({ url: '/api/no-such-thing', headers });
    expect(denied.statusCode).toBe(401);
    const missing = await daemon.app.inject({
      url: '/api/no-such-thing',
      headers: { ...headers, authorization: `Bearer ${daemon.token}` },
    });
    expect(missing.statusCode).toBe(404);
  });
});
