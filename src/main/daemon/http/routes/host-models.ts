import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import { RbeesError } from '../../../../shared/errors';
import type {
  DownloadsResponse,
  HostModelsResponse,
  StartDownloadResponse,
  UploadResponse,
} from '../../../../shared/hosts';
import { StartDownloadSchema } from '../../../../shared/host-schemas';
import { checkId, DOWNLOAD_ID, MODEL_ID } from '../../../../shared/ids';
import { parseBody } from '../../../../shared/validation';
import type { AgentFollowers } from '../../hosts/agent-followers';
import {
  cancelDownloadOn,
  listDownloadsOn,
  listModelsOn,
  removeModelOn,
  startDownloadOn,
  verifyModelOn,
} from '../../hosts/agent-models';
import { downloadFollow } from '../../hosts/follows';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import type { HostRegistry } from '../../hosts/host-registry';
import { uploadModel } from '../../hosts/model-upload';
import { relayAgentLines } from './agent-sse';

type Host = { Params: { name: string } };
type HostItem = { Params: { name: string; id: string } };

const OCTET_STREAM = 'application/octet-stream';

/** A host's models: list, delete, verify, upload (a streamed body), downloads from Hugging Face. */
export function hostModelRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  monitor: Pick<ClusterMonitor, 'follow' | 'modelsChanged'>,
  /** Variables the agent needs for downloads (HF_ENDPOINT, set on the daemon). */
  downloadEnv: Readonly<Record<string, string>>,
  followers: AgentFollowers,
): void {
  // Model bytes stay a stream: the route reads request.raw, never a buffered body.
  app.addContentTypeParser(OCTET_STREAM, (_request, _payload, done) => done(null));

  app.get<Host>(`${API.hosts}/:name/models`, async (request): Promise<HostModelsResponse> => {
    const { models_dir, models } = await listModelsOn(await hosts.agent(request.params.name));
    return { models_dir, models };
  });

  app.delete<HostItem>(`${API.hosts}/:name/models/:id`, async (request, reply) => {
    const id = checkId(MODEL_ID, 'id', request.params.id);
    await removeModelOn(await hosts.agent(request.params.name), id);
    monitor.modelsChanged(request.params.name);
    return reply.code(204).send();
  });

  app.post<HostItem>(`${API.hosts}/:name/models/:id/verify`, async (request) => {
    const id = checkId(MODEL_ID, 'id', request.params.id);
    return verifyModelOn(await hosts.agent(request.params.name), id);
  });

  app.put<HostItem>(`${API.hosts}/:name/models/:id`, async (request, reply) => {
    if (request.headers['content-type']?.split(';')[0]?.trim() !== OCTET_STREAM) {
      throw new RbeesError(
        'BAD_REQUEST',
        `Send the model's bytes as the body with Content-Type: ${OCTET_STREAM}.`,
      );
    }
    // The client going away (a cancelled drop) aborts the upload, which removes the partial file.
    const gone = new AbortController();
    const socket = request.raw.socket;
    const onClose = (): void => {
      if (!reply.raw.writableEnded) gone.abort();
    };
    socket.once('close', onClose);
    let uploaded: UploadResponse;
    try {
      uploaded = await uploadModel(hosts, {
        host: request.params.name,
        file: request.params.id,
        size: Number(request.headers['content-length'] ?? NaN),
        // Not destroyed when the upload stops reading early: the error response must get out.
        source: request.raw.iterator({ destroyOnReturn: false }),
        signal: gone.signal,
      });
    } catch (err) {
      // The rest of the body is not read: the connection cannot carry another request.
      if (!request.raw.complete) void reply.header('connection', 'close');
      throw err;
    } finally {
      socket.off('close', onClose);
    }
    monitor.modelsChanged(request.params.name);
    return reply.code(201).send(uploaded);
  });

  app.get<Host>(`${API.hosts}/:name/downloads`, async (request): Promise<DownloadsResponse> => {
    return { downloads: await listDownloadsOn(await hosts.agent(request.params.name)) };
  });

  app.post<Host>(`${API.hosts}/:name/downloads`, async (request, reply) => {
    const { ref } = parseBody(StartDownloadSchema, request.body);
    const runner = await hosts.agent(request.params.name);
    // Its progress is followed (monitor.follow): refuse now rather than run it unseen.
    followers.ensureRoom(runner.host, `a download of ${ref}`);
    const body: StartDownloadResponse = {
      id: await startDownloadOn(runner, ref, { env: downloadEnv }),
    };
    monitor.follow(request.params.name, body.id);
    return reply.code(202).send(body);
  });

  app.delete<HostItem>(`${API.hosts}/:name/downloads/:id`, async (request, reply) => {
    const id = checkId(DOWNLOAD_ID, 'id', request.params.id);
    await cancelDownloadOn(await hosts.agent(request.params.name), id);
    return reply.code(204).send();
  });

  app.get<HostItem>(`${API.hosts}/:name/downloads/:id/events`, async (request, reply) => {
    const id = checkId(DOWNLOAD_ID, 'id', request.params.id);
    const runner = await hosts.agent(request.params.name);
    // The follower the monitor already runs for it, if any: one per download, whoever reads.
    const reader = followers.join(downloadFollow(runner, id));
    await relayAgentLines(request, reply, (signal) => reader.lines(signal));
  });
}
