import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import { RbeesError } from '../../../../shared/errors';
import type { UploadResponse } from '../../../../shared/hosts';
import { HostModelsResponseSchema, UploadResponseSchema } from '../../../../shared/host-schemas';
import { checkId, MODEL_ID } from '../../../../shared/ids';
import { VerifiedLineSchema } from '../../../../shared/model-schemas';
import { listModelsOn, removeModelOn, verifyModelOn } from '../../hosts/agent-models';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import type { HostRegistry } from '../../hosts/host-registry';
import { uploadModel } from '../../hosts/model-upload';
import { lingerAfterRefusal } from '../linger';
import { ByHost, ByHostItem, empty, ERRORS, HOST_NAME, json } from '../route-schemas';

const TAG = ['host models'];
const OCTET_STREAM = 'application/octet-stream';

/** The upload's body: the file's bytes, read as a stream (the route reads request.raw). */
const ModelBytes = z.unknown().meta({
  description:
    "The model file's bytes; send Content-Length (a body that ends short is refused, nothing kept).",
  contentMediaType: OCTET_STREAM,
});
const UploadParams = z.object({
  name: HOST_NAME,
  id: z.string().meta({ description: 'The file name to create on the host, `<model id>.gguf`.' }),
});

/** A host's models: list, delete, verify, upload (a streamed body). */
export function hostModelRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  monitor: Pick<ClusterMonitor, 'modelsChanged'>,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Model bytes stay a stream: the route reads request.raw, never a buffered body.
  api.addContentTypeParser(OCTET_STREAM, (_request, _payload, done) => done(null));

  api.get(
    `${API.hosts}/:name/models`,
    {
      schema: {
        tags: TAG,
        summary: "List a host's model files",
        params: ByHost,
        response: { 200: json(HostModelsResponseSchema, 'The models.'), ...ERRORS },
      },
    },
    async (request) => {
      const { models_dir, models } = await listModelsOn(await hosts.agent(request.params.name));
      return { models_dir, models };
    },
  );

  api.delete(
    `${API.hosts}/:name/models/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Delete a model file from a host',
        params: ByHostItem,
        response: { 204: empty('Deleted.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const id = checkId(MODEL_ID, 'id', request.params.id);
      await removeModelOn(await hosts.agent(request.params.name), id);
      monitor.modelsChanged(request.params.name);
      return reply.code(204).send();
    },
  );

  api.post(
    `${API.hosts}/:name/models/:id/verify`,
    {
      schema: {
        tags: TAG,
        summary: "Verify a model file's sha256 on its host",
        params: ByHostItem,
        response: { 200: json(VerifiedLineSchema, 'The checksum.'), ...ERRORS },
      },
    },
    async (request) => {
      const id = checkId(MODEL_ID, 'id', request.params.id);
      return verifyModelOn(await hosts.agent(request.params.name), id);
    },
  );

  api.put(
    `${API.hosts}/:name/models/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Upload a model file to a host',
        params: UploadParams,
        consumes: [OCTET_STREAM],
        body: ModelBytes,
        response: { 201: json(UploadResponseSchema, 'Uploaded and verified.'), ...ERRORS },
      },
    },
    async (request, reply) => {
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
        // The rest of the body is not read: it is dropped once the answer is out.
        if (!request.raw.complete) lingerAfterRefusal(request.raw, reply.raw);
        throw err;
      } finally {
        socket.off('close', onClose);
      }
      monitor.modelsChanged(request.params.name);
      return reply.code(201).send(uploaded);
    },
  );
}
