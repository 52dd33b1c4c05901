/**
 * Generated request bodies for the property tests (fast-check; tests only): for each request
 * schema, bodies it must accept, and for any schema, bodies built to be almost right. The valid
 * ones use plain ids and names, so that a stricter id pattern elsewhere does not make them wrong.
 */
import fc from 'fast-check';
import { ERROR_CODES } from './errors';
import { LIMITS } from './limits';

/** Text of any code points (astral ones included), as JSON can carry it. */
export const anyText = (maxLength = 12) => fc.string({ unit: 'binary', maxLength });
const nonEmpty = (maxLength = 12) => fc.string({ unit: 'binary', minLength: 1, maxLength });
/** Names that every shell, URL and log reads alike. */
export const plainName = fc
  .tuple(
    fc.constantFrom(...'abcXYZ019'),
    fc.string({ unit: fc.constantFrom(...'az09._-'), maxLength: 10 }),
  )
  .map(([head, tail]) => head + tail);
const double = (min: number, max: number) => fc.double({ min, max, noNaN: true });
/** Greater than 0: the smallest double above it, up to `max`. */
const positive = (max: number) => double(Number.MIN_VALUE, max);

const sampling = {
  max_tokens: fc.integer({ min: 1, max: LIMITS.maxTokens }),
  temperature: double(LIMITS.temperature.min, LIMITS.temperature.max),
  top_p: positive(1),
  top_k: fc.nat(),
  repetition_penalty: positive(2),
  stop: fc.array(nonEmpty(), { maxLength: LIMITS.stopSequences }),
  seed: fc.nat(),
};
const message = fc.record({
  role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const),
  content: anyText(),
});
/** Exactly one of prompt or messages. */
const input = fc.oneof(
  fc.record({ prompt: nonEmpty() }),
  fc.record({ messages: fc.array(message, { minLength: 1, maxLength: 3 }) }),
);
/** Any subset of the fields. */
const optional = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record<T, never>(model, { requiredKeys: [] });

export const validTask = fc
  .tuple(
    input,
    fc.record({ model: nonEmpty(), max_tokens: sampling.max_tokens }),
    optional({
      ...sampling,
      priority: fc.constantFrom('interactive', 'batch'),
      session_id: anyText(),
    }),
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const validExecute = fc
  .tuple(
    input,
    fc.record({ job_id: nonEmpty(), max_tokens: sampling.max_tokens }),
    optional(sampling),
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const validCancel = fc.record({ job_id: nonEmpty() });

const textPart = fc.record({ type: fc.constant('text'), text: anyText() });
const openAiCommon = optional({
  max_tokens: sampling.max_tokens,
  temperature: double(0, 2),
  top_p: positive(1),
  stop: fc.oneof(
    nonEmpty(),
    fc.array(nonEmpty(), { maxLength: LIMITS.stopSequences }),
    fc.constant(null),
  ),
  seed: fc.oneof(fc.nat(), fc.constant(null)),
  stream: fc.oneof(fc.boolean(), fc.constant(null)),
  stream_options: fc.oneof(fc.record({ include_usage: fc.boolean() }), fc.constant(null)),
  n: fc.constantFrom(1, null),
  top_k: fc.oneof(fc.nat(), fc.constant(null)),
  min_p: double(0, 1),
  presence_penalty: double(LIMITS.penalty.min, LIMITS.penalty.max),
  frequency_penalty: double(LIMITS.penalty.min, LIMITS.penalty.max),
  user: anyText(),
  // A field rbees does not honour is accepted only as asking for nothing.
  logit_bias: fc.constantFrom({}, null),
  // Fields OpenAI does not define are accepted and kept as they are.
  metadata: fc.dictionary(plainName, anyText(), { maxKeys: 2 }),
});

export const validChatCompletion = fc
  .tuple(
    fc.record({
      model: nonEmpty(),
      messages: fc.array(
        fc.record({
          role: fc.constantFrom('system', 'developer', 'user', 'assistant'),
          content: fc.oneof(anyText(), fc.array(textPart, { maxLength: 2 }), fc.constant(null)),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    openAiCommon,
    optional({ max_completion_tokens: sampling.max_tokens }),
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const validCompletion = fc
  .tuple(
    fc.record({ model: nonEmpty(), prompt: fc.oneof(nonEmpty(), fc.tuple(nonEmpty())) }),
    openAiCommon,
  )
  .map(([a, b]) => ({ ...a, ...b }));

export const validAddHost = fc
  .tuple(
    fc.record({
      name: plainName,
      spec: fc.oneof(
        plainName,
        fc.tuple(plainName, plainName).map(([u, h]) => `${u}@${h}`),
      ),
    }),
    optional({
      identity_file: fc.constantFrom('~/.ssh/id_ed25519', '/home/me/.ssh/key'),
      agent_dir: fc.constantFrom('~/.rbees/agent', '/opt/rbees-pool'),
    }),
  )
  .map(([a, b]) => ({ ...a, ...b }));

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const validTrustHost = fc
  .string({ unit: fc.constantFrom(...BASE64), minLength: 43, maxLength: 43 })
  .map((key) => ({ fingerprint: `SHA256:${key}` }));

export const validStartDownload = fc
  .constantFrom('tinyllama', 'hf:org/repo::file=a.gguf', 'org/repo:Q4_K_M')
  .map((ref) => ({ ref }));

export const validSpawnWorker = fc
  .tuple(
    fc.record({ model: plainName }),
    optional({
      backend: fc.constantFrom('auto', 'cpu', 'cuda', 'metal', 'vulkan'),
      gpu: fc.integer({ min: 0, max: 63 }),
      slots: fc.integer({ min: 1, max: 64 }),
      threads: fc.integer({ min: 1, max: 1024 }),
      ctx: fc.integer({ min: 16, max: 1 << 24 }),
    }),
  )
  .map(([a, b]) => ({ ...a, ...b }));

const stats = optional({
  model: anyText(),
  host: anyText(),
  queue_position: fc.nat(),
  ttft_ms: fc.oneof(fc.nat(), fc.constant(null)),
  tokens_per_sec: double(0, 1e6),
  stop_reason: fc.constantFrom('eos', 'max_tokens', 'stop_sequence', 'tool_calls', 'cancelled'),
});
export const validPutMessage = fc
  .tuple(
    fc.record({
      role: fc.constantFrom('user', 'assistant'),
      content: anyText(40),
      status: fc.constantFrom('streaming', 'done', 'stopped', 'error'),
      created_at: fc.nat(),
    }),
    optional({
      stats,
      error: fc.record(
        { code: fc.constantFrom(...ERROR_CODES), message: anyText(), correlation_id: anyText() },
        { requiredKeys: ['code', 'message'] },
      ),
    }),
  )
  .map(([a, b]) => ({ ...a, ...b }));

export const validPutConversation = fc.record(
  { title: nonEmpty(), created_at: fc.nat() },
  { requiredKeys: ['title'] },
);

export const validImport = fc.record({
  conversations: fc.array(
    fc.record({
      id: plainName,
      title: nonEmpty(),
      created_at: fc.nat(),
      updated_at: fc.nat(),
      messages: fc.array(
        fc.tuple(plainName, validPutMessage).map(([id, m]) => ({ id, ...m })),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  ),
});

/**
 * Almost a body: a valid one with a field dropped, set to any JSON value or added, or any JSON
 * at all. Where a schema is lax, these find what it lets through.
 */
export function nearly(valid: fc.Arbitrary<object>): fc.Arbitrary<unknown> {
  const json = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    json,
    fc
      .tuple(valid, fc.nat(), json, fc.constantFrom('drop', 'set', 'add'), anyText(6))
      .map(([body, pick, value, how, key]) => {
        const out: Record<string, unknown> = { ...body };
        const keys = Object.keys(out);
        const field = keys[pick % Math.max(1, keys.length)] ?? key;
        if (how === 'drop') delete out[field];
        // As JSON.parse makes it: an own field, even one named `__proto__`.
        else define(out, how === 'set' ? field : key, value);
        return out;
      }),
  );
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
