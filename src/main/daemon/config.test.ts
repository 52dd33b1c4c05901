import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config';

const homes: string[] = [];
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbees-config-'));
  homes.push(dir);
  return dir;
}
afterEach(() => homes.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('daemon configuration', () => {
  it('uses the documented defaults and creates the state folders', () => {
    const dir = home();
    const config = resolveConfig({ RBEES_HOME: dir });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      workerSlots: 1,
      workerIdleS: 600,
      queueCapacity: 100,
      heartbeatS: 15,
      allowedHosts: [],
    });
    expect(statSync(join(dir, 'models')).isDirectory()).toBe(true);
    expect(statSync(join(dir, 'logs')).isDirectory()).toBe(true);
  });

  it('reads RBEES_ALLOWED_HOSTS as a comma list, refusing what is not a host name', () => {
    const given = ' Host.Docker.Internal, nas.lan,,[::2] ';
    expect(resolveConfig({ RBEES_HOME: home(), RBEES_ALLOWED_HOSTS: given }).allowedHosts).toEqual([
      'host.docker.internal',
      'nas.lan',
      '[::2]',
    ]);
    for (const bad of ['http://nas.lan', 'nas.lan:8080', 'a b', '-x.lan', 'nas.lan/']) {
      expect(() => resolveConfig({ RBEES_HOME: home(), RBEES_ALLOWED_HOSTS: bad })).toThrow(
        `RBEES_ALLOWED_HOSTS: "${bad}" is not a host name.`,
      );
    }
  });

  it('creates a token once, mode 0600, and reuses it', () => {
    const dir = home();
    const first = resolveConfig({ RBEES_HOME: dir }).token;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(first);
    expect(resolveConfig({ RBEES_HOME: dir }).token).toBe(first);
    expect(resolveConfig({ RBEES_HOME: dir, RBEES_TOKEN: 'given' }).token).toBe('given');
  });

  it('reads the queue, heartbeat and worker variables', () => {
    const config = resolveConfig({
      RBEES_HOME: home(),
      RBEES_QUEUE_CAPACITY: '7',
      RBEES_HEARTBEAT_S: '30',
      RBEES_WORKER_IDLE_S: '60',
      RBEES_WORKER_SLOTS: '4',
    });
    expect(config).toMatchObject({
      queueCapacity: 7,
      heartbeatS: 30,
      workerIdleS: 60,
      workerSlots: 4,
    });
  });

  it.each([
    ['RBEES_QUEUE_CAPACITY', '0', 'a whole number from 1 to 100000'],
    ['RBEES_QUEUE_CAPACITY', '2.5', 'a whole number from 1 to 100000'],
    ['RBEES_HEARTBEAT_S', '-1', 'a whole number from 1 to 3600'],
    ['RBEES_HEARTBEAT_S', 'soon', 'a whole number from 1 to 3600'],
    ['RBEES_WORKER_IDLE_S', '0', 'a whole number from 1 to 2592000'],
    ['RBEES_WORKER_SLOTS', '65', 'a whole number from 1 to 64'],
  ])('refuses %s=%s, naming the accepted range', (name, value, range) => {
    expect(() => resolveConfig({ RBEES_HOME: home(), [name]: value })).toThrow(
      `${name}="${value}" is not valid: use ${range}.`,
    );
  });

  it('names a bad variable and what would be valid', () => {
    expect(() => resolveConfig({ RBEES_HOME: home(), RBEES_PORT: 'eighty' })).toThrow(
      'RBEES_PORT="eighty" is not valid: use a whole number from 0 to 65535.',
    );
  });
});
