/**
 * A request's JSON Schema, made into one node-llama-cpp's grammar generator enforces exactly
 * (`llama.createGrammarForJsonSchema`), or refused naming the keyword: an output that breaks the
 * schema is never produced. What its generator does, and so what is changed or refused here
 * (node-llama-cpp 3.x, utils/gbnfJson/utils/getGbnfJsonTerminalForGbnfJsonSchema.js):
 * - it writes every listed property of an object (valid: a property may be there when optional),
 *   and others only as `additionalProperties` allows; so `required` naming an unlisted property,
 *   or `minProperties` past the listed ones with no others allowed, could fail: refused;
 * - its `oneOf` is any of: a value matching two alternatives would break a `oneOf`, so `oneOf`
 *   is taken only when its alternatives cannot overlap (different types or constants); both come
 *   out as `anyOf` (`gbnfSchema` writes it as the generator's `oneOf`); a lone `allOf` is inlined;
 * - it understands `$ref` to `#/$defs/…` only: `#/definitions/…` is moved there;
 * - beside `oneOf` or `$ref` it reads nothing (but a description): what is there is refused;
 * - it enforces no number bounds, pattern or format but date, time and date-time: refused;
 * - annotations (`title`, `default`, `examples`, …) are dropped; `nullable` (OpenAPI 3.0) becomes
 *   a `null` alternative; a `type` list with `object` or `array` becomes an `anyOf` of one schema
 *   per type (its generator would write neither).
 */
export type JsonSchema = { [key: string]: unknown };

/** A schema rbees cannot enforce: `path` is the keyword's place in it (`properties.age.minimum`). */
export class UnsupportedSchema extends Error {
  override name = 'UnsupportedSchema';
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const words = (text: string) => new Set(text.trim().split(/\s+/));
const ANNOTATIONS = words(`title $schema $id $comment examples default deprecated readOnly
  writeOnly contentEncoding contentMediaType`);
/** What the generator reads; anything else (not an annotation) is an assertion it would ignore. */
const UNDERSTOOD = words(`type description const enum oneOf anyOf properties additionalProperties
  required minProperties maxProperties items prefixItems minItems maxItems minLength maxLength
  format $ref $defs`);
const FORMATS = new Set(['date', 'time', 'date-time']);
const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const TYPES = new Set([...PRIMITIVES, 'object', 'array']);

/** The schema as the grammar generator should get it; throws UnsupportedSchema naming the keyword. */
export function grammarSchema(schema: unknown): JsonSchema {
  if (!isObject(schema)) throw new UnsupportedSchema([], 'a JSON Schema is an object');
  const { definitions, ...rest } = schema;
  const root =
    definitions === undefined
      ? rest
      : { ...rest, $defs: { ...asDefs(definitions), ...asDefs(rest.$defs) } };
  return normalise(root, []);
}

/**
 * Alternatives come out as `anyOf` (a checked `oneOf` is one too), so that normalising again, as
 * the worker does with the daemon's output, changes nothing; `gbnfSchema` renames them for
 * node-llama-cpp.
 */
function normalise(input: unknown, path: (string | number)[]): JsonSchema {
  if (input === true) return {};
  if (!isObject(input)) throw new UnsupportedSchema(path, 'must be a schema (an object)');
  const schema: JsonSchema = {};
  for (const [key, value] of Object.entries(input)) {
    if (!ANNOTATIONS.has(key)) schema[key] = value;
  }
  const at = (...more: (string | number)[]) => [...path, ...more];
  if ('allOf' in schema) {
    const { allOf, ...others } = schema;
    if (!Array.isArray(allOf) || allOf.length !== 1 || Object.keys(others).length > 0) {
      throw new UnsupportedSchema(
        at('allOf'),
        'allOf is supported with one schema only: merge them into one',
      );
    }
    return normalise(allOf[0], at('allOf', 0));
  }
  if ('oneOf' in schema && 'anyOf' in schema) {
    throw new UnsupportedSchema(at('anyOf'), 'anyOf and oneOf together are not supported');
  }
  if (schema.nullable === true) {
    const { nullable: _nullable, ...others } = schema;
    return normalise({ anyOf: [others, { type: 'null' }] }, path);
  }
  delete schema.nullable;
  // The generator reads only the alternatives (or the reference) and ignores what is beside it.
  for (const key of ['anyOf', 'oneOf', '$ref']) {
    const beside = Object.keys(schema).filter((k) => !['description', '$defs', key].includes(k));
    if (key in schema && beside.length > 0) {
      throw new UnsupportedSchema(
        at(beside[0] as string),
        `${beside[0]} beside ${key} is not supported: move it into ${key === '$ref' ? 'the definition' : 'each alternative'}`,
      );
    }
  }
  for (const key of Object.keys(schema)) {
    if (!UNDERSTOOD.has(key)) {
      throw new UnsupportedSchema(
        at(key),
        `${key} is not supported: rbees cannot enforce it while generating; remove it and check that part yourself`,
      );
    }
  }
  if (Array.isArray(schema.type) && schema.type.some((t) => t === 'object' || t === 'array')) {
    const { type, ...others } = schema;
    return normalise({ anyOf: (type as unknown[]).map((t) => ({ ...others, type: t })) }, path);
  }
  checkType(schema.type, at('type'));
  if (schema.const !== undefined) checkLiteral(schema.const, at('const'));
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum) || schema.enum.length === 0)
      throw new UnsupportedSchema(at('enum'), 'enum must list at least one value');
    schema.enum.forEach((v, i) => checkLiteral(v, at('enum', i)));
  }
  if (typeof schema.format === 'string' && !FORMATS.has(schema.format)) {
    throw new UnsupportedSchema(
      at('format'),
      `format "${schema.format}" is not supported (only date, time and date-time): remove it and check the value yourself`,
    );
  }
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref.replace(/^#\/definitions\//, '#/$defs/');
    if (!ref.startsWith('#/$defs/'))
      throw new UnsupportedSchema(
        at('$ref'),
        `$ref "${schema.$ref}" is not supported: point it at #/$defs/NAME`,
      );
    schema.$ref = ref;
  }
  if (schema.$defs !== undefined) {
    schema.$defs = Object.fromEntries(
      Object.entries(asDefs(schema.$defs)).map(([name, def]) => [
        name,
        normalise(def, at('$defs', name)),
      ]),
    );
  }
  if (schema.oneOf !== undefined) {
    const alternatives = alternativesOf(schema.oneOf, at('oneOf'));
    if (!disjoint(alternatives)) {
      throw new UnsupportedSchema(
        at('oneOf'),
        'oneOf alternatives that a value could match twice are not supported: use anyOf, or give each alternative its own type or const',
      );
    }
    delete schema.oneOf;
    schema.anyOf = alternatives;
  } else if (schema.anyOf !== undefined) {
    schema.anyOf = alternativesOf(schema.anyOf, at('anyOf'));
  }
  if (isObject(schema.properties)) {
    schema.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, prop]) => [
        name,
        normalise(prop, at('properties', name)),
      ]),
    );
  }
  if (isObject(schema.additionalProperties))
    schema.additionalProperties = normalise(
      schema.additionalProperties,
      at('additionalProperties'),
    );
  checkObject(schema, at);
  if (schema.items === false) {
    delete schema.items;
    if (!Array.isArray(schema.prefixItems)) schema.maxItems = 0;
  } else if (schema.items !== undefined) schema.items = normalise(schema.items, at('items'));
  if (Array.isArray(schema.prefixItems))
    schema.prefixItems = schema.prefixItems.map((item, i) => normalise(item, at('prefixItems', i)));
  return schema;
}

function alternativesOf(value: unknown, path: (string | number)[]): JsonSchema[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UnsupportedSchema(path, 'must list at least one schema');
  }
  return value.map((alt, i) => normalise(alt, [...path, i]));
}

/** A normalised schema as node-llama-cpp reads it: its `oneOf` is any of. */
export function gbnfSchema(schema: JsonSchema): JsonSchema {
  const each = (value: unknown, f: (s: JsonSchema) => JsonSchema) =>
    isObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v as JsonSchema)]))
      : value;
  const { anyOf, properties, $defs, items, prefixItems, additionalProperties, ...rest } = schema;
  const out: JsonSchema = { ...rest };
  if (Array.isArray(anyOf)) out.oneOf = anyOf.map((alt) => gbnfSchema(alt as JsonSchema));
  if (properties !== undefined) out.properties = each(properties, gbnfSchema);
  if ($defs !== undefined) out.$defs = each($defs, gbnfSchema);
  if (isObject(items)) out.items = gbnfSchema(items);
  if (Array.isArray(prefixItems))
    out.prefixItems = prefixItems.map((p) => gbnfSchema(p as JsonSchema));
  if (additionalProperties !== undefined) {
    out.additionalProperties = isObject(additionalProperties)
      ? gbnfSchema(additionalProperties)
      : additionalProperties;
  }
  return out;
}

function checkType(type: unknown, path: (string | number)[]): void {
  if (type === undefined) return;
  const types = Array.isArray(type) ? type : [type];
  for (const t of types) {
    if (typeof t !== 'string' || !TYPES.has(t))
      throw new UnsupportedSchema(path, `type ${JSON.stringify(t)} is not a JSON Schema type`);
  }
}

function checkLiteral(value: unknown, path: (string | number)[]): void {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return;
  throw new UnsupportedSchema(path, 'only strings, numbers, booleans and null are supported here');
}

function checkObject(
  schema: JsonSchema,
  at: (...more: (string | number)[]) => (string | number)[],
): void {
  const listed = Object.keys(isObject(schema.properties) ? schema.properties : {});
  const extra = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  if (Array.isArray(schema.required)) {
    schema.required.forEach((name, i) => {
      if (!listed.includes(String(name))) {
        throw new UnsupportedSchema(
          at('required', i),
          `"${String(name)}" is required but not in properties: add it there`,
        );
      }
    });
  }
  if (typeof schema.minProperties === 'number' && !extra && schema.minProperties > listed.length) {
    throw new UnsupportedSchema(
      at('minProperties'),
      `minProperties ${schema.minProperties} is more than the ${listed.length} properties listed`,
    );
  }
}

/**
 * Alternatives no value can match twice: distinct constants, distinct types (integer counts as
 * number), or objects told apart by a property that is a distinct constant in each (the
 * generator writes every listed property, so each value carries its own).
 */
function disjoint(alternatives: JsonSchema[]): boolean {
  const distinct = (keys: unknown[]) =>
    keys.every((k) => k !== undefined) &&
    new Set(keys.map((k) => JSON.stringify(k))).size === keys.length;
  if (distinct(alternatives.map((a) => a.const))) return true;
  const plain = (a: JsonSchema) =>
    typeof a.type === 'string' &&
    ['const', 'enum', '$ref', 'anyOf'].every((k) => a[k] === undefined);
  const types = alternatives.map((a) =>
    plain(a) ? String(a.type).replace('integer', 'number') : undefined,
  );
  if (distinct(types)) return true;
  const properties = alternatives.map((a) =>
    a.type === 'object' && isObject(a.properties) ? a.properties : undefined,
  );
  const [first] = properties;
  if (!first || properties.some((p) => p === undefined)) return false;
  return Object.keys(first).some((name) =>
    distinct(
      properties.map((p) => {
        const prop = p?.[name];
        return isObject(prop) ? prop.const : undefined;
      }),
    ),
  );
}

function asDefs(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
