import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import { openApiDocument } from '../openapi/document';

/** `GET /api/openapi.json`: the API described by the same schemas the routes validate with. */
export function openApiRoutes(app: FastifyInstance, version: string): void {
  // Built on first request, not at start: most daemons are never asked for it.
  let document: Record<string, unknown> | undefined;
  app.get(API.openapi, async () => (document ??= openApiDocument(version)));
}
