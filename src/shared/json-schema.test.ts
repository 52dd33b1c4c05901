import { describe, expect, it } from 'vitest';
import { gbnfSchema, grammarSchema, UnsupportedSchema } from './json-schema';

function refusal(schema: unknown): { path: string; message: string } {
  try {
    grammarSchema(schema);
  } catch (err) {
    if (err instanceof UnsupportedSchema) return { path: err.path.join('.'), message: err.message };
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(schema)}`);
}

describe('grammarSchema', () => {
  it('keeps what the generator enforces, dropping annotations', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Person',
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, default: 'x', description: 'who' },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
        born: { type: 'string', format: 'date' },
      },
      required: ['name'],
      additionalProperties: false,
    };
    expect(grammarSchema(schema)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, description: 'who' },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
        born: { type: 'string', format: 'date' },
      },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('turns anyOf, nullable, type lists and definitions into what the generator reads', () => {
    expect(
      grammarSchema({ anyOf: [{ type: 'string' }, { type: 'string', maxLength: 2 }] }),
    ).toEqual({ anyOf: [{ type: 'string' }, { type: 'string', maxLength: 2 }] });
    expect(grammarSchema({ type: 'integer', nullable: true })).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'null' }],
    });
    expect(grammarSchema({ type: ['object', 'null'], properties: {} })).toEqual({
      anyOf: [
        { type: 'object', properties: {} },
        { type: 'null', properties: {} },
      ],
    });
    expect(
      grammarSchema({ definitions: { id: { type: 'integer' } }, $ref: '#/definitions/id' }),
    ).toEqual({ $defs: { id: { type: 'integer' } }, $ref: '#/$defs/id' });
    expect(grammarSchema({ allOf: [{ type: 'boolean' }] })).toEqual({ type: 'boolean' });
  });

  it('gives the same schema when normalised again (the worker does), and node-llama-cpp its oneOf', () => {
    const schema = {
      type: 'object',
      properties: {
        anyOf: { type: 'string' },
        v: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        w: { anyOf: [{ type: 'number' }, { type: 'integer' }], nullable: true },
      },
    };
    const once = grammarSchema(schema);
    expect(grammarSchema(once)).toEqual(once);
    expect(gbnfSchema(once)).toEqual({
      type: 'object',
      properties: {
        anyOf: { type: 'string' },
        v: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        w: { oneOf: [{ oneOf: [{ type: 'number' }, { type: 'integer' }] }, { type: 'null' }] },
      },
    });
  });

  it('takes a oneOf only when no value can match two alternatives', () => {
    expect(() => grammarSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).not.toThrow();
    expect(() => grammarSchema({ oneOf: [{ const: 'a' }, { const: 'b' }] })).not.toThrow();
    const tagged = (kind: string) => ({
      type: 'object',
      properties: { kind: { const: kind }, n: { type: 'number' } },
    });
    expect(() => grammarSchema({ oneOf: [tagged('a'), tagged('b')] })).not.toThrow();
    expect(refusal({ oneOf: [{ type: 'number' }, { type: 'integer' }] })).toMatchObject({
      path: 'oneOf',
      message: expect.stringContaining('use anyOf') as string,
    });
    expect(refusal({ oneOf: [tagged('a'), tagged('a')] }).path).toBe('oneOf');
  });

  it.each([
    [
      { type: 'object', properties: { age: { type: 'integer', minimum: 0 } } },
      'properties.age.minimum',
    ],
    [{ type: 'string', pattern: '^a' }, 'pattern'],
    [{ type: 'string', format: 'email' }, 'format'],
    [{ type: 'array', uniqueItems: true }, 'uniqueItems'],
    [{ not: { type: 'null' } }, 'not'],
    [{ $ref: 'https://example.com/s.json' }, '$ref'],
    [{ type: 'object', properties: {}, required: ['id'] }, 'required.0'],
    [{ type: 'object', properties: { a: {} }, minProperties: 2 }, 'minProperties'],
    [{ allOf: [{ type: 'string' }, { maxLength: 3 }] }, 'allOf'],
    [{ enum: [{ a: 1 }] }, 'enum.0'],
    [{ type: 'object', properties: {}, anyOf: [{ required: ['a'] }] }, 'type'],
    [{ $defs: { a: { type: 'string' } }, $ref: '#/$defs/a', maxLength: 3 }, 'maxLength'],
    [{ type: 'date' }, 'type'],
    ['string', ''],
  ])('refuses %j at %s, naming it', (schema, path) => {
    expect(refusal(schema).path).toBe(path);
  });
});
