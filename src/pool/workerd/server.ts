import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  clientErrorCode,
  HTTP_STATUS,
  RbeesError,
  toErrorBody,
  type ErrorBody,
} from '../../shared/errors';
import {
  WORKER_ROUTES,
  type ExecuteRequest,
  type InferenceEvent,
  type WorkerHealth,
  type WorkerStatus,
} from '../../shared/inference';
import type { EngineInfo } from './engine';
import { checkHost, requireSecret } from './guard';
import { parseCancelRequest, parseExecuteRequest } from './request';
import { writeSse } from './sse-response';

/** What the HTTP layer needs from the engine; tests can pass a stand-in. */
export interface WorkerEngine {
  readonly info: EngineInfo;
  readonly slotsBusy: number;
  generate(req: ExecuteRequest, signal: AbortSignal): AsyncIterable<InferenceEvent>;
}

export interface WorkerServer {
  app: FastifyInstance;
  /** Refuses new jobs, cancels the running ones, waits for their streams to end, closes the server. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** What every request but `GET /health` must carry as `Authorization: Bearer <secret>`. */
  secret: string;
  log: (line: string) => void;
}

/**
 * Routes (WORKER_ROUTES): `POST /execute` (SSE), `POST /cancel`, `GET /status` behind the secret,
 * `GET /health` open; every request's Host must name the loopback; errors in the shared shape.
 */
export function createServer(engine: WorkerEngine, options: ServerOptions): WorkerServer {
  const { log } = options;
  // No fastify logger: stdout carries only the ready line, and per-request logs cost per token.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // JSON only: a text/plain body would otherwise reach the schema as a string and fail obscurely.
  app.removeContentTypeParser('text/plain');
  const jobs = new Map<string, AbortController>();
  const streams = new Set<Promise<void>>();
  let closing = false;

  // Every request, unknown routes too, before its body is read.
  app.addHook('onRequest', checkHost);
  app.get(WORKER_ROUTES.health, (): WorkerHealth => ({ status: 'ready' }));

  // Deny by default: every route registered in here needs the secret, whoever adds it later.
  void app.register(async (guarded) => {
    guarded.addHook('onRequest', requireSecret(options.secret));
    guarded.post(WORKER_ROUTES.execute, (request, reply) => execute(request.body, reply));
    guarded.post(WORKER_ROUTES.cancel, (request, reply) => cancel(request.body, reply));
    guarded.get(WORKER_ROUTES.status, (): WorkerStatus => {
      const { info } = engine;
      return {
        status: 'ready',
        model: info.model,
        backend: info.backend,
        slots_total: info.slots,
        slots_busy: engine.slotsBusy,
        context_size: info.contextSize,
        pid: process.pid,
      };
    });
  });

  function execute(body: unknown, reply: FastifyReply): void {
    if (closing) {
      throw new RbeesError(
        'WORKER_UNAVAILABLE',
        `${engine.info.model}: the worker is shutting down`,
      );
    }
    const req = parseExecuteRequest(body);
    if (jobs.has(req.job_id)) {
      throw new RbeesError(
        'BAD_REQUEST',
        `job_id: "${req.job_id}" is already running on this worker — use a new id per request`,
        { fields: ['job_id'] },
      );
    }
    const controller = new AbortController();
    // Throws WORKER_BUSY (or BAD_REQUEST for an input too long) before anything is streamed.
    const events = engine.generate(req, controller.signal);
    jobs.set(req.job_id, controller);
    reply.hijack();
    const stream = writeSse(reply.raw, events, () =>
      controller.abort(cancelledBy(req.job_id, 'the client closed the connection')),
    )
      .then((last) => log(describeOutcome(req.job_id, last)))
      .catch((err: unknown) => log(`job ${req.job_id}: stream failed: ${String(err)}`))
      .finally(() => {
        jobs.delete(req.job_id);
        streams.delete(stream);
      });
    streams.add(stream);
  }

  function cancel(body: unknown, reply: FastifyReply): FastifyReply {
    const { job_id } = parseCancelRequest(body);
    const controller = jobs.get(job_id);
    controller?.abort(cancelledBy(job_id, 'POST /cancel'));
    // 202 whether or not it runs: cancelling is idempotent, and a job that just ended is no error.
    return reply.code(202).send({ job_id, running: controller !== undefined });
  }

  app.setNotFoundHandler((request, reply) => {
    const error: ErrorBody = {
      code: 'NOT_FOUND',
      message: `${request.method} ${request.url}: no such route on rbees-workerd — use POST /execute, POST /cancel, GET /status or GET /health`,
    };
    return reply.code(HTTP_STATUS.NOT_FOUND).send({ error });
  });

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const error = toHttpError(err);
    if (error.code === 'INTERNAL') log(`request failed: ${err.stack ?? err.message}`);
    if (error.code === 'WORKER_BUSY') void reply.header('Retry-After', '1');
    if (error.code === 'UNAUTHORIZED') void reply.header('WWW-Authenticate', 'Bearer');
    return reply.code(HTTP_STATUS[error.code]).send({ error });
  });

  return {
    app,
    async close() {
      closing = true;
      for (const [jobId, controller] of jobs) {
        controller.abort(cancelledBy(jobId, 'the worker is shutting down'));
      }
      await Promise.allSettled([...streams]);
      await app.close();
    },
  };
}

/** One log line per job: how it ended. */
function describeOutcome(jobId: string, last: InferenceEvent | undefined): string {
  if (last?.type === 'end') {
    const { stop_reason, tokens_out, decode_time_ms } = last.data;
    return `job ${jobId}: end ${stop_reason}, ${tokens_out} tokens in ${decode_time_ms} ms`;
  }
  if (last?.type === 'error') return `job ${jobId}: ${last.data.code}: ${last.data.message}`;
  return `job ${jobId}: the stream ended without a terminal event`;
}

function cancelledBy(jobId: string, why: string): RbeesError {
  return new RbeesError('CANCELLED', `job ${jobId}: cancelled by ${why}`);
}

/** Fastify's own 4xx errors (bad JSON, wrong content type, body too large) with their codes. */
function toHttpError(err: FastifyError): ErrorBody {
  if (err instanceof RbeesError) return err.toBody();
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const hint = status === 415 ? ' — send Content-Type: application/json' : '';
    return { code: clientErrorCode(status), message: `${err.message}${hint}` };
  }
  return toErrorBody(err);
}
