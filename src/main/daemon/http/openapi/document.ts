import { ERROR_CODES, HTTP_STATUS } from '../../../../shared/errors';
import { conversationPaths, conversationSchemas } from './conversation-paths';
import { hostPaths } from './host-paths';
import { json, withPathParameters } from './operations';
import { daemonPaths, inferencePaths } from './paths';
import { componentSchemas } from './schemas';

/**
 * The daemon's HTTP API as an OpenAPI 3.1 document: `docs/openapi.json` (`npm run openapi`) and
 * `GET /api/openapi.json`. It lives on the daemon's side, not in src/shared, because building it
 * imports zod, which the renderer must not bundle.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const statuses = ERROR_CODES.map((code) => `${code} ${HTTP_STATUS[code]}`).join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'rbees-orcd',
      version,
      description:
        'The rbees daemon: inference tasks, an OpenAI-compatible API, and the pool hosts it ' +
        'controls over SSH. Every route but /health and the UI needs `Authorization: Bearer ' +
        '<token>` (the token is in $RBEES_HOME/token). Streams are Server-Sent Events; a stream ' +
        'that fails after it started ends with an `error` event carrying an ErrorBody.',
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The default address (RBEES_PORT).' }],
    security: [{ bearer: [] }],
    paths: withPathParameters({
      ...inferencePaths(),
      ...daemonPaths(),
      ...hostPaths(),
      ...conversationPaths(),
    }),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token in $RBEES_HOME/token.' },
      },
      responses: {
        Error: {
          description: `An error, as { error: ErrorBody }. HTTP status by code: ${statuses}.`,
          content: json('ErrorResponse'),
        },
      },
      schemas: { ...componentSchemas(), ...conversationSchemas() },
    },
  };
}
