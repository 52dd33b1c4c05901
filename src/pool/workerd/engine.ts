import { randomBytes } from 'node:crypto';
import type { LlamaContextSequence, LlamaGrammar } from 'node-llama-cpp';
import { RbeesError, toErrorBody, type ErrorBody } from '../../shared/errors';
import type { ExecuteRequest, InferenceEvent, Metrics, StopReason } from '../../shared/inference';
import { Channel } from './channel';
import { Embeddings } from './embeddings';
import { prepareRequest, runGeneration, type PreparedRequest } from './generation';
import { Grammars } from './grammars';
import { loadModel, type Loaded, type LoadOptions } from './load';

/** What the worker serves, as reported by its ready line and `/health`. */
export interface EngineInfo {
  model: string;
  backend: string;
  slots: number;
  contextSize: number;
}

/**
 * One model, one context, one sequence per slot. Each generation takes a free sequence and gives
 * it back when node-llama-cpp is done with it, before the stream's terminal event is sent: a client
 * that saw `end` can send its next request at once and find the slot free.
 */
export class Engine {
  private readonly free: LlamaContextSequence[];
  private readonly running = new Set<Promise<void>>();
  private readonly grammars: Grammars;
  private readonly embeddings: Embeddings;

  private constructor(
    private readonly loaded: Loaded,
    readonly info: EngineInfo,
  ) {
    this.free = Array.from({ length: info.slots }, () => loaded.context.getSequence());
    this.grammars = new Grammars(loaded.llama);
    const threads = loaded.context.currentThreads;
    this.embeddings = new Embeddings(loaded.model, info.contextSize, threads);
  }

  /** Throws RbeesError MODEL_LOAD_FAILED with a message naming the file and the fix. */
  static async load(options: LoadOptions & { modelId: string }): Promise<Engine> {
    const loaded = await loadModel(options);
    return new Engine(loaded, {
      model: options.modelId,
      backend: loaded.backend,
      slots: options.slots,
      contextSize: loaded.context.contextSize,
    });
  }

  get slotsBusy(): number {
    return this.info.slots - this.free.length;
  }

  /**
   * Starts a generation at once and returns its events: `started`, a `token` per text chunk as
   * it is generated, `metrics`, then exactly one `end` or `error` (CANCELLED when `signal` aborts).
   * Throws synchronously, before anything is streamed: BAD_REQUEST for an input that does not fit,
   * WORKER_BUSY when every slot is taken. The generation runs whether or not the events are read;
   * abort `signal` to stop it.
   */
  generate(req: ExecuteRequest, signal: AbortSignal): AsyncIterable<InferenceEvent> {
    if (req.count_only === true) return this.count(req);
    if (req.embed !== undefined) return this.embed(req, signal);
    if (this.free.length === 0) {
      throw new RbeesError(
        'WORKER_BUSY',
        `${this.info.model}: all ${this.info.slots} slots are busy — retry shortly, or start the ` +
          'worker with more --slots',
      );
    }
    // Tokenizing is synchronous: the slot checked above is still free after it.
    const { model, chatWrapper } = this.loaded;
    const prepared = prepareRequest(req, model, chatWrapper, this.info.contextSize);
    const sequence = this.free.pop()!;
    const channel = new Channel<InferenceEvent>();
    const job = this.run(prepared, sequence, signal, channel);
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
    return channel;
  }

  /** Tokenizing takes no slot: the input's size, as a stream that ends at once. */
  private count(req: ExecuteRequest): AsyncIterable<InferenceEvent> {
    const { model, chatWrapper } = this.loaded;
    const { promptTokens } = prepareRequest(req, model, chatWrapper, this.info.contextSize);
    const channel = new Channel<InferenceEvent>();
    const job_id = req.job_id;
    channel.push({
      type: 'started',
      data: { job_id, model: this.info.model, started_at: new Date().toISOString() },
    });
    const end = { tokens_out: 0, decode_time_ms: 0, prompt_tokens: promptTokens };
    channel.push({ type: 'end', data: { ...end, stop_reason: 'eos' } });
    channel.close();
    return channel;
  }

  /**
   * Embeds the request's texts: `started`, an `embedding` per text, `metrics`, then `end` (or
   * `error`). Takes no chat sequence: the embedding context is its own.
   */
  private embed(req: ExecuteRequest, signal: AbortSignal): AsyncIterable<InferenceEvent> {
    const inputs = this.embeddings.prepare(req);
    const promptTokens = inputs.reduce((sum, tokens) => sum + tokens.length, 0);
    const channel = new Channel<InferenceEvent>();
    const { job_id: jobId } = req;
    const startedAt = performance.now();
    channel.push({
      type: 'started',
      data: { job_id: jobId, model: this.info.model, started_at: new Date().toISOString() },
    });
    const job = (async () => {
      let failed: ErrorBody | undefined;
      try {
        await this.embeddings.run(inputs, signal, channel);
      } catch (err) {
        failed = signal.aborted ? cancelled(jobId, signal) : failure(this.info.model, jobId, err);
      }
      const elapsed = round(performance.now() - startedAt, 2);
      const done = { tokens_out: 0, decode_time_ms: elapsed, prompt_tokens: promptTokens };
      channel.push({
        type: 'metrics',
        data: { ...done, tokens_per_sec: 0, time_to_first_token_ms: null },
      });
      channel.push(
        failed
          ? { type: 'error', data: failed }
          : { type: 'end', data: { ...done, stop_reason: 'eos' } },
      );
      channel.close();
    })();
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
    return channel;
  }

  /** Waits for running generations (abort them first), then frees the model and the runtime. */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.running]);
    await this.loaded.llama.dispose();
  }

  /** A reply format's grammar, or a forced tool call's (the request cannot ask for both). */
  private async grammarFor(prepared: PreparedRequest): Promise<LlamaGrammar | undefined> {
    const { tools, req } = prepared;
    if (tools.kind === 'forced') {
      return this.grammars.get({ type: 'json_schema', schema: tools.schema }, 'tools');
    }
    return req.format === undefined ? undefined : this.grammars.get(req.format, 'format');
  }

  private async run(
    prepared: PreparedRequest,
    sequence: LlamaContextSequence,
    signal: AbortSignal,
    channel: Channel<InferenceEvent>,
  ): Promise<void> {
    const jobId = prepared.req.job_id;
    const clock = new GenerationClock();
    let index = 0;
    let tokensOut = 0;
    let outcome: StopReason | ErrorBody;
    let stopSequence: string | undefined;
    channel.push({
      type: 'started',
      data: { job_id: jobId, model: this.info.model, started_at: new Date().toISOString() },
    });
    try {
      const grammar = await this.grammarFor(prepared);
      let calls = 0;
      const onStopSequence = (stop: string) => (stopSequence = stop);
      outcome = await runGeneration(prepared, sequence, this.loaded.chatWrapper, signal, grammar, {
        onText: (text) => {
          // node-llama-cpp's last call passes "": not a token.
          if (text !== '') channel.push({ type: 'token', data: { t: text, i: index++ } });
        },
        onTokens: (count) => {
          clock.token();
          tokensOut += count;
        },
        onStopSequence,
        onToolCall: (call) => {
          // Unique across rounds: the client sends it back with the tool's result.
          const id = `call_${randomBytes(12).toString('base64url')}`;
          channel.push({ type: 'tool_call', data: { ...call, id, index: calls++ } });
        },
      });
    } catch (err) {
      outcome = signal.aborted ? 'cancelled' : failure(this.info.model, jobId, err);
      // A failed evaluation may leave the sequence half-written: start the next one from empty.
      await sequence.clearHistory().catch(() => undefined);
    } finally {
      this.free.push(sequence);
    }
    const metrics = clock.metrics(tokensOut, prepared.promptTokens);
    channel.push({ type: 'metrics', data: metrics });
    if (outcome === 'cancelled') {
      channel.push({ type: 'error', data: cancelled(jobId, signal) });
    } else if (typeof outcome === 'string') {
      const { tokens_out, decode_time_ms, prompt_tokens } = metrics;
      channel.push({
        type: 'end',
        data: {
          tokens_out,
          decode_time_ms,
          stop_reason: outcome,
          prompt_tokens,
          ...(stopSequence !== undefined ? { stop_sequence: stopSequence } : {}),
        },
      });
    } else {
      channel.push({ type: 'error', data: outcome });
    }
    channel.close();
  }
}

/**
 * Times a generation. Time to first token covers reading the prompt and the first token; decode
 * time runs from the first token to the end, so tokens/s counts the tokens after the first
 * (the usual definition: llama.cpp's server reports the same split).
 */
class GenerationClock {
  private readonly startedAt = performance.now();
  private firstTokenAt: number | undefined;

  token(): void {
    this.firstTokenAt ??= performance.now();
  }

  metrics(tokensOut: number, promptTokens: number): Metrics {
    const now = performance.now();
    const decodeMs = this.firstTokenAt === undefined ? 0 : now - this.firstTokenAt;
    const perSec = tokensOut > 1 && decodeMs > 0 ? ((tokensOut - 1) * 1000) / decodeMs : 0;
    return {
      tokens_out: tokensOut,
      tokens_per_sec: round(perSec, 1),
      decode_time_ms: round(decodeMs, 2),
      time_to_first_token_ms:
        this.firstTokenAt === undefined ? null : round(this.firstTokenAt - this.startedAt, 2),
      prompt_tokens: promptTokens,
    };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The server aborts with an RbeesError naming why (POST /cancel, closed connection, shutdown). */
function cancelled(jobId: string, signal: AbortSignal): ErrorBody {
  const reason: unknown = signal.reason;
  if (reason instanceof RbeesError && reason.code === 'CANCELLED') return reason.toBody();
  return { code: 'CANCELLED', message: `job ${jobId}: cancelled` };
}

function failure(model: string, jobId: string, err: unknown): ErrorBody {
  // Refused for the request's sake (a grammar that could not be made): say so as it is.
  if (err instanceof RbeesError) return toErrorBody(err);
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INFERENCE_FAILED',
    message: `job ${jobId} on ${model}: ${message} — retry; if it fails again, restart the worker`,
  };
}
