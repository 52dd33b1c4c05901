import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import { AddHostSchema, TrustHostSchema } from '../../../../shared/host-schemas';
import type {
  HostInfo,
  HostsResponse,
  HostStatusResponse,
  SshAliasesResponse,
} from '../../../../shared/hosts';
import { RbeesError } from '../../../../shared/errors';
import { listAliases } from '../../../ssh';
import { replaceHostKey } from '../../../ssh/host-key-replace';
import { parseBody } from '../../../../shared/validation';
import type { HostRegistry } from '../../hosts/host-registry';
import { LOCAL_HOST } from '../../hosts/host-registry';

type ByName = { Params: { name: string } };

/**
 * Pool hosts: list, add, remove, connect (trusting a key the user confirmed, or replacing a changed
 * one), agent status.
 */
export function hostRoutes(app: FastifyInstance, hosts: HostRegistry): void {
  app.get(API.hosts, async (): Promise<HostsResponse> => ({ hosts: hosts.list() }));

  app.post(API.hosts, async (request, reply) => {
    const added = await hosts.add(parseBody(AddHostSchema, request.body));
    return reply.code(201).send(added);
  });

  app.delete<ByName>(`${API.hosts}/:name`, async (request, reply) => {
    await hosts.remove(request.params.name);
    return reply.code(204).send();
  });

  app.post<ByName>(`${API.hosts}/:name/connect`, async (request): Promise<HostInfo> =>
    hosts.connect(request.params.name),
  );

  app.post<ByName>(`${API.hosts}/:name/trust`, async (request): Promise<HostInfo> => {
    const { fingerprint } = parseBody(TrustHostSchema, request.body);
    return hosts.trust(request.params.name, fingerprint);
  });

  // A changed key the person checked (a reinstall): rbees' own entry only, the confirmed key only.
  app.post<ByName>(`${API.hosts}/:name/replace-key`, async (request): Promise<HostInfo> => {
    const { name } = request.params;
    const { fingerprint } = parseBody(TrustHostSchema, request.body);
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
  });

  // The aliases of the daemon user's ~/.ssh/config, for the Add host picker.
  app.get(API.sshAliases, async (): Promise<SshAliasesResponse> => {
    const text = await readFile(join(homedir(), '.ssh', 'config'), 'utf8').catch(() => '');
    return { aliases: listAliases(text) };
  });

  app.get<ByName>(`${API.hosts}/:name/status`, async (request): Promise<HostStatusResponse> =>
    hosts.status(request.params.name),
  );
}
