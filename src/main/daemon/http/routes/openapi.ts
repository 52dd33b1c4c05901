import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import { ERRORS, json } from '../route-schemas';

const Document = z.record(z.string(), z.unknown());

/** `GET /api/openapi.json`: the API document, generated from the routes' own schemas. */
export function openApiRoutes(app: FastifyInstance): void {
  const schema = {
    tags: ['daemon'],
    summary: 'Get this OpenAPI document',
    response: { 200: json(Document, 'This document.'), ...ERRORS },
  };
  // Generated on the first request (and kept by @fastify/swagger), not at start.
  app.get(API.openapi, { schema }, async () => app.swagger());
}
