import { z } from 'zod';

/**
 * Small builders for the OpenAPI document's JSON Schemas. The request bodies come from the zod
 * schemas; the responses are TypeScript interfaces, so their hand-written schemas are checked
 * against them by type (see `object` and `keysOf`) rather than trusted to stay in step.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type Schema = { [keyword: string]: unknown };

/**
 * A request body's schema from its zod schema, as a client may send it (`io: 'input'`: a field
 * with a default is optional). `$schema` is dropped: OpenAPI 3.1 documents default to 2020-12.
 */
export function fromZod(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * The schema of an object of type T. Every key of T must be given a schema and every optional
 * key of T named in `optional`, so tsc fails when the interface changes and this does not.
 */
export function object<T>(
  properties: { [K in keyof T]-?: Schema },
  ...[optional]: [OptionalKeys<T>] extends [never] ? [] : [{ [K in OptionalKeys<T>]: true }]
): Schema {
  const skip = Object.keys(optional ?? {});
  const required = Object.keys(properties).filter((key) => !skip.includes(key));
  return { type: 'object', properties, required };
}

/** The members of the string union T, listed once: tsc fails when T gains or loses one. */
export function keysOf<T extends string>(members: Record<T, true>): T[] {
  return Object.keys(members) as T[];
}

export function oneOf<T extends string>(members: Record<T, true>): Schema {
  return { type: 'string', enum: keysOf(members) };
}

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const num: Schema = { type: 'number' };
export const bool: Schema = { type: 'boolean' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
/** An object whose fields this document does not spell out (named in its description). */
export const anyObject = (description: string): Schema => ({ type: 'object', description });

export function constant(value: string): Schema {
  return { type: 'string', const: value };
}

export function arrayOf(items: Schema): Schema {
  return { type: 'array', items };
}

export function nullable(schema: Schema): Schema {
  return typeof schema.type === 'string'
    ? { ...schema, type: [schema.type, 'null'] }
    : { anyOf: [schema, { type: 'null' }] };
}

export function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}
