import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import { RbeesError } from '../../shared/errors';
import type { ExecuteRequest } from '../../shared/inference';
import { gbnfSchema } from '../../shared/json-schema';

/** Grammars kept compiled: an app sends the same schema with every request. */
const KEEP = 16;

/**
 * The grammar a request's `format` asks for, compiled by node-llama-cpp (llama.cpp's GBNF) and
 * kept for the next request with the same format. The schema arrives normalised (the request's
 * schema in src/shared/schemas.ts): what node-llama-cpp cannot enforce was refused before.
 */
export class Grammars {
  private readonly compiled = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** `field` is what a refusal names: the request's `format`, or its `tools`. */
  get(format: NonNullable<ExecuteRequest['format']>, field: string): Promise<LlamaGrammar> {
    const key = JSON.stringify(format);
    const kept = this.compiled.get(key);
    if (kept) {
      // Most recently used last: the first key is the one to drop.
      this.compiled.delete(key);
      this.compiled.set(key, kept);
      return kept;
    }
    const made = this.compile(format, field);
    this.compiled.set(key, made);
    made.catch(() => this.compiled.delete(key));
    if (this.compiled.size > KEEP)
      this.compiled.delete(this.compiled.keys().next().value as string);
    return made;
  }

  private async compile(
    format: NonNullable<ExecuteRequest['format']>,
    field: string,
  ): Promise<LlamaGrammar> {
    try {
      // Any JSON object: the same generator, so that its numbers are bounded below too.
      const schema = format.type === 'json' ? ANY_OBJECT : gbnfSchema(format.schema);
      // The schema's shape was checked; node-llama-cpp's type for it is narrower than JSON.
      const made = await this.llama.createGrammarForJsonSchema(
        schema as Parameters<Llama['createGrammarForJsonSchema']>[0],
      );
      // Its stop (four newlines, which the grammar ends with) and trimming, as node-llama-cpp's.
      return await this.llama.createGrammar({
        grammar: boundedNumbers(made.grammar),
        stopGenerationTriggers: made.stopGenerationTriggers,
        trimWhitespaceSuffix: made.trimWhitespaceSuffix,
      });
    } catch (err) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${field}: the grammar for this JSON schema could not be made (${(err as Error).message}); ` +
          'simplify the schema',
        { fields: [field] },
      );
    }
  }
}

const ANY_OBJECT = { type: 'object', additionalProperties: true };

/**
 * node-llama-cpp's number rules allow an exponent of up to 16 digits, integers included: a model
 * may write `29467096e1489462000763410` for an "integer", which every JSON parser reads as
 * Infinity (JavaScript, Python: not an integer at all). Integers here have no exponent and at
 * most 15 digits (exact in a double); other numbers an exponent of at most 2 digits.
 */
export function boundedNumbers(grammar: string): string {
  const rules: Record<string, string> = {
    'integer-number-rule': '"-"? ("0" | [1-9] [0-9]{0,14})',
    'fractional-number-rule':
      '"-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})?',
  };
  return grammar
    .split('\n')
    .map((line) => {
      const name = /^([\w-]+) ::= /.exec(line)?.[1];
      return name !== undefined && rules[name] !== undefined ? `${name} ::= ${rules[name]}` : line;
    })
    .join('\n');
}
