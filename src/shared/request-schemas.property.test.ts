import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { RbeesError } from './errors';
import {
  ImportConversationsSchema,
  PutConversationSchema,
  PutMessageSchema,
} from './conversations';
import {
  AddHostSchema,
  SpawnWorkerSchema,
  StartDownloadSchema,
  TrustHostSchema,
} from './host-schemas';
import { DEFAULT_TEMPERATURE } from './limits';
import { ChatCompletionRequestSchema, CompletionRequestSchema } from './openai';
import * as arb from './request-arbitraries';
import {
  CancelRequestSchema,
  ExecuteRequestSchema,
  TaskListQuerySchema,
  TaskRequestSchema,
} from './schemas';
import { parseBody } from './validation';

/**
 * Every request schema through parseBody, the one door bodies come in by: anything at all is
 * either accepted or refused with BAD_REQUEST naming each bad field; a valid body is accepted
 * with its values as sent (plus the documented defaults).
 */

interface Case {
  schema: z.ZodType;
  valid: fc.Arbitrary<object>;
  /** What parsing a valid body gives: the body and the schema's defaults. */
  parsed: (body: object) => object;
}

const same = (body: object) => body;
const CASES: Record<string, Case> = {
  TaskRequest: {
    schema: TaskRequestSchema,
    valid: arb.validTask,
    parsed: (body) => ({ temperature: DEFAULT_TEMPERATURE, priority: 'interactive', ...body }),
  },
  ExecuteRequest: {
    schema: ExecuteRequestSchema,
    valid: arb.validExecute,
    parsed: (body) => ({ temperature: DEFAULT_TEMPERATURE, ...body }),
  },
  CancelRequest: { schema: CancelRequestSchema, valid: arb.validCancel, parsed: same },
  TaskListQuery: {
    schema: TaskListQuerySchema,
    // A query string: text, read as a number.
    valid: fc
      .option(fc.integer({ min: 1, max: 1000 }))
      .map((n) => (n === null ? {} : { limit: String(n) })),
    parsed: (body) => ({ limit: Number((body as { limit?: string }).limit ?? 50) }),
  },
  ChatCompletion: {
    schema: ChatCompletionRequestSchema,
    valid: arb.validChatCompletion,
    parsed: same,
  },
  Completion: { schema: CompletionRequestSchema, valid: arb.validCompletion, parsed: same },
  AddHost: { schema: AddHostSchema, valid: arb.validAddHost, parsed: same },
  TrustHost: { schema: TrustHostSchema, valid: arb.validTrustHost, parsed: same },
  StartDownload: { schema: StartDownloadSchema, valid: arb.validStartDownload, parsed: same },
  SpawnWorker: {
    schema: SpawnWorkerSchema,
    valid: arb.validSpawnWorker,
    parsed: (body) => ({ backend: 'auto', ...body }),
  },
  PutMessage: { schema: PutMessageSchema, valid: arb.validPutMessage, parsed: same },
  PutConversation: { schema: PutConversationSchema, valid: arb.validPutConversation, parsed: same },
  ImportConversations: { schema: ImportConversationsSchema, valid: arb.validImport, parsed: same },
};
const NAMES = Object.keys(CASES);
const caseOf = (name: string): Case => CASES[name] as Case;

/** As the body arrives: through JSON, as the server's parser hands it over. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Accepted (and then a fixed point of the schema), or refused naming every bad field. */
function acceptedOrNamed(schema: z.ZodType, body: unknown): void {
  let parsed: unknown;
  let refused: unknown;
  try {
    parsed = parseBody(schema, body);
  } catch (err) {
    refused = err ?? 'a throw of nothing';
  }
  if (refused === undefined) {
    expect(parseBody(schema, parsed)).toEqual(parsed);
    return;
  }
  // Rethrown as it is (fast-check shows it with the counterexample).
  if (!(refused instanceof RbeesError))
    throw refused instanceof Error ? refused : new Error('a non-Error was thrown');
  assert(refused.code === 'BAD_REQUEST', `${refused.code}: ${refused.message}`);
  const { message, details } = refused;
  const fields = details?.fields;
  assert(Array.isArray(fields) && fields.length > 0, `no fields: ${message}`);
  assert(message.startsWith('Invalid request. '), message);
  for (const field of fields as string[]) {
    assert(
      message.includes(`${field === '' ? 'body' : field}: `),
      `"${message}" names no ${field}`,
    );
  }
}

describe('request schemas, generated', () => {
  it('accept every valid body with its values kept', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...NAMES)
          .chain((name) => caseOf(name).valid.map((body) => ({ name, body: wire(body) }))),
        ({ name, body }) => {
          const { schema, parsed } = caseOf(name);
          expect(parseBody(schema, body)).toEqual(parsed(body));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('accept or refuse almost-valid bodies, naming each bad field', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...NAMES)
          .chain((name) => arb.nearly(caseOf(name).valid).map((body) => ({ name, body }))),
        ({ name, body }) => acceptedOrNamed(caseOf(name).schema, body),
      ),
      { numRuns: 15_000 },
    );
  });

  it('accept or refuse anything at all, JSON or not, naming each bad field', () => {
    const anything = fc.anything({
      ...{ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true },
      ...{ withNullPrototype: true, withObjectString: true, withSparseArray: true },
      ...{ withTypedArray: true, maxDepth: 2 },
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.oneof(
          anything,
          fc.constantFrom(undefined, NaN, -0, Infinity, '', () => 1, Symbol('s')),
        ),
        (name, body) => acceptedOrNamed(caseOf(name).schema, body),
      ),
      { numRuns: 22_000 },
    );
  });
});
