import { API, type DaemonInfo, type ModelsResponse, type WorkersResponse } from '../api';
import { isErrorCode, RbeesError, type ErrorResponse } from '../errors';
import type { InferenceEvent, TaskAccepted, TaskRequest } from '../inference';
import type { ModelInfo } from '../models';
import { decodeInferenceEvents, decodeSse, iterateBody, type SseMessage } from '../sse';

export interface ClientOptions {
  /** The daemon's API token (`$RBEES_HOME/token`). */
  token?: string;
  /** Another fetch (tests, proxies); defaults to the global one. */
  fetch?: typeof fetch;
  /**
   * How long a plain request (not an event stream) may take before the daemon counts as
   * unreachable: a suspended or wedged daemon accepts connections but never answers.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export interface StreamOptions {
  signal?: AbortSignal;
}

export interface EventsOptions extends StreamOptions {
  /** Resume after this event id (`Last-Event-ID`). */
  lastEventId?: string;
}

export interface SseOptions extends EventsOptions {
  /** POST for a stream that an action starts (an agent install); GET by default. */
  method?: 'GET' | 'POST';
}

/**
 * The rbees SDK (the seed's llama-orch-sdk): the daemon's native task API, for Node 20 and browsers.
 * Failures are RbeesError with the daemon's code, or DAEMON_UNREACHABLE when nothing answered.
 */
export class Client {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: ClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    // Bound so that a browser's fetch is not called with the client as `this` (Illegal invocation).
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Queues a job; answers with its id and where its events are. */
  async enqueue(request: TaskRequest, options: StreamOptions = {}): Promise<TaskAccepted> {
    return this.json<TaskAccepted>(API.tasks, { method: 'POST', body: request, ...options });
  }

  /** The events of a job as they happen, ending after its terminal `end` or `error`. */
  async *events(jobId: string, options: EventsOptions = {}): AsyncGenerator<InferenceEvent> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await this.request(API.taskEvents(jobId), { headers, signal: options.signal });
    for await (const event of decodeInferenceEvents(this.bytes(response, options.signal))) {
      yield event;
      if (event.type === 'end' || event.type === 'error') return;
    }
  }

  /**
   * Queues a job and streams its events. Stopping early (abort, `break`) cancels the job on the
   * daemon too, so a closed chat never keeps a GPU busy.
   */
  async *enqueueStream(
    request: TaskRequest,
    options: StreamOptions = {},
  ): AsyncGenerator<InferenceEvent> {
    const accepted = await this.enqueue(request, options);
    let finished = false;
    try {
      for await (const event of this.events(accepted.job_id, options)) {
        if (event.type === 'end' || event.type === 'error') finished = true;
        yield event;
      }
    } finally {
      if (!finished) await this.cancel(accepted.job_id).catch(() => undefined);
    }
  }

  /** Cancels a queued or running job; cancelling a finished one is not an error. */
  async cancel(jobId: string): Promise<void> {
    const response = await this.request(API.task(jobId), { method: 'DELETE' });
    await response.body?.cancel();
  }

  async models(): Promise<ModelInfo[]> {
    return (await this.json<ModelsResponse>(API.models)).models;
  }

  async workers(): Promise<WorkersResponse['workers']> {
    return (await this.json<WorkersResponse>(API.workers)).workers;
  }

  async info(): Promise<DaemonInfo> {
    return this.json<DaemonInfo>(API.info);
  }

  /** One JSON call to any API path (see `API`); an empty answer (204) resolves to undefined. */
  async json<T>(
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const response = await this.request(path, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A server-sent event stream of any API path, decoded as it arrives. */
  async *sse(path: string, options: SseOptions = {}): AsyncGenerator<SseMessage> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await this.request(path, {
      method: options.method ?? 'GET',
      headers,
      signal: options.signal,
    });
    yield* decodeSse(this.bytes(response, options.signal));
  }

  /**
   * A stream's bytes. A connection that drops mid-stream (the daemon stopped, the network went)
   * is DAEMON_UNREACHABLE like one that never opened, so that a caller can tell it from a bug.
   */
  private async *bytes(response: Response, signal: AbortSignal | undefined) {
    if (!response.body) throw new RbeesError('INTERNAL', 'The event stream has no body.');
    try {
      yield* iterateBody(response.body);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw this.unreachable(`the connection dropped: ${String(err)}`);
    }
  }

  private unreachable(why: string): RbeesError {
    return new RbeesError(
      'DAEMON_UNREACHABLE',
      `Cannot reach the rbees daemon at ${this.baseUrl} (${why}). ` +
        'Is it running? Start it with `npm run serve` or open the desktop app.',
    );
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.options.token) headers.set('authorization', `Bearer ${this.options.token}`);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, headers });
    } catch (err) {
      const timedOut =
        init.signal?.reason instanceof DOMException && init.signal.reason.name === 'TimeoutError';
      if (init.signal?.aborted && !timedOut) throw err;
      throw this.unreachable(timedOut ? 'no answer in time' : String(err));
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}

async function errorFromResponse(response: Response): Promise<RbeesError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as ErrorResponse;
    if (isErrorCode(error.code)) return new RbeesError(error.code, error.message, error.details);
  } catch {
    // Not our error shape (a proxy's page, say): fall through to the status line.
  }
  return new RbeesError('INTERNAL', `HTTP ${response.status} ${response.statusText}: ${text}`);
}
