import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import {
  AddHostSchema,
  HostInfoSchema,
  HostsResponseSchema,
  SshAliasesResponseSchema,
  TrustHostSchema,
} from '../../../../shared/host-schemas';
import { RbeesError } from '../../../../shared/errors';
import { StatusLineSchema } from '../../../../shared/status-schemas';
import { listAliases } from '../../../ssh';
import { replaceHostKey } from '../../../ssh/host-key-replace';
import type { HostRegistry } from '../../hosts/host-registry';
import { LOCAL_HOST } from '../../hosts/host-registry';
import { ByHost, empty, ERRORS, json } from '../route-schemas';

const TAG = ['hosts'];
const CONNECTED = json(HostInfoSchema, 'The host, connected.');

/**
 * Pool hosts: list, add, remove, connect (trusting a key the user confirmed, or replacing a changed
 * one), agent status.
 */
export function hostRoutes(app: FastifyInstance, hosts: HostRegistry): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    API.hosts,
    {
      schema: {
        tags: TAG,
        summary: 'List pool hosts',
        response: { 200: json(HostsResponseSchema, 'The hosts.'), ...ERRORS },
      },
    },
    async () => ({ hosts: hosts.list() }),
  );

  api.post(
    API.hosts,
    {
      schema: {
        tags: TAG,
        summary: 'Add a pool host',
        body: AddHostSchema,
        response: { 201: json(HostInfoSchema, 'Added.'), ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(await hosts.add(request.body)),
  );

  api.delete(
    `${API.hosts}/:name`,
    {
      schema: {
        tags: TAG,
        summary: 'Remove a pool host',
        params: ByHost,
        response: { 204: empty('Removed.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      await hosts.remove(request.params.name);
      return reply.code(204).send();
    },
  );

  api.post(
    `${API.hosts}/:name/connect`,
    {
      schema: {
        tags: TAG,
        summary: 'Connect to a host over SSH',
        description:
          'SSH_HOSTKEY_UNKNOWN (409) carries the fingerprint to confirm through /trust; ' +
          'SSH_HOSTKEY_MISMATCH (409) carries the expected and presented fingerprints, where ' +
          'the old key is (details.known) and whether /replace-key can replace it.',
        params: ByHost,
        response: { 200: CONNECTED, ...ERRORS },
      },
    },
    async (request) => hosts.connect(request.params.name),
  );

  api.post(
    `${API.hosts}/:name/trust`,
    {
      schema: {
        tags: TAG,
        summary: "Trust a host's key the user confirmed, then connect",
        params: ByHost,
        body: TrustHostSchema,
        response: { 200: CONNECTED, ...ERRORS },
      },
    },
    async (request) => hosts.trust(request.params.name, request.body.fingerprint),
  );

  // A changed key the person checked (a reinstall): rbees' own entry only, the confirmed key only.
  api.post(
    `${API.hosts}/:name/replace-key`,
    {
      schema: {
        tags: TAG,
        summary: "Replace a host's changed key by the one the user confirmed, then connect",
        description:
          "For SSH_HOSTKEY_MISMATCH when the old key is in rbees' own known_hosts: the body is " +
          "the fingerprint the host presented (from the error's details). The old entry is " +
          'removed and the key saved only if the host presents exactly that fingerprint; ' +
          'otherwise the old entry is put back (SSH_HOSTKEY_MISMATCH). An old key in another ' +
          'known_hosts file (~/.ssh/known_hosts) is never edited: SSH_HOSTKEY_MISMATCH (409) ' +
          'with details.remove_command, the `ssh-keygen -R` to run.',
        params: ByHost,
        body: TrustHostSchema,
        response: { 200: CONNECTED, ...ERRORS },
      },
    },
    async (request) => {
      const { name } = request.params;
      const { fingerprint } = request.body;
      if (name === LOCAL_HOST) {
        throw new RbeesError('BAD_REQUEST', 'local: this computer has no host key to replace');
      }
      const session = await hosts.sessionOf(name);
      if (session.state === 'online') {
        throw new RbeesError(
          'BAD_REQUEST',
          `${name}: connected with its saved key; there is no changed key to replace`,
        );
      }
      const { host } = session;
      await replaceHostKey(
        { name: host.name, hostname: host.hostname, port: host.port },
        host,
        fingerprint,
        async (confirmed) => {
          await hosts.trust(name, confirmed);
        },
      );
      return hosts.connect(name);
    },
  );

  // The aliases of the daemon user's ~/.ssh/config, for the Add host picker.
  api.get(
    API.sshAliases,
    {
      schema: {
        tags: TAG,
        summary: "List the Host aliases of the daemon user's ~/.ssh/config",
        response: { 200: json(SshAliasesResponseSchema, 'The aliases.'), ...ERRORS },
      },
    },
    async () => {
      const text = await readFile(join(homedir(), '.ssh', 'config'), 'utf8').catch(() => '');
      return { aliases: listAliases(text) };
    },
  );

  api.get(
    `${API.hosts}/:name/status`,
    {
      schema: {
        tags: TAG,
        summary: "Read a host's status (OS, GPUs, models, workers)",
        params: ByHost,
        response: { 200: json(StatusLineSchema, "The agent's status."), ...ERRORS },
      },
    },
    async (request) => hosts.status(request.params.name),
  );
}
