import { describe, expect, it } from 'vitest';
import { boundedNumbers } from './grammars';

describe('boundedNumbers', () => {
  it("replaces node-llama-cpp's number rules, and nothing else", () => {
    const grammar = [
      'root ::= "{" integer-number-rule "}"',
      'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
      'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
    ].join('\n');
    expect(boundedNumbers(grammar).split('\n')).toEqual([
      'root ::= "{" integer-number-rule "}"',
      'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14})',
      'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})?',
    ]);
  });
});
