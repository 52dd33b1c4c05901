import { describe, expect, it } from 'vitest';
import { RbeesError } from './errors';
import type { ModelRef } from './model-ref';
import { formatModelRef, localFileName, parseModelRef, pickQuantFile } from './model-ref';

const TINY_REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';

function errorOf(fn: () => unknown): RbeesError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RbeesError) return err;
    throw err;
  }
  throw new Error('expected an RbeesError');
}

describe('parseModelRef', () => {
  it('resolves the tinyllama alias, whatever its case', () => {
    const expected: ModelRef = {
      kind: 'hf',
      repo: TINY_REPO,
      revision: 'main',
      file: 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf',
    };
    expect(parseModelRef('tinyllama')).toEqual(expected);
    expect(parseModelRef(' TinyLlama ')).toEqual(expected);
  });

  it('parses hf: with and without a revision', () => {
    expect(parseModelRef('hf:org/repo::file=a.Q8_0.gguf')).toEqual({
      kind: 'hf',
      repo: 'org/repo',
      revision: 'main',
      file: 'a.Q8_0.gguf',
    });
    expect(parseModelRef('hf:org/repo@refs/pr/1::file=sub/a.gguf')).toEqual({
      kind: 'hf',
      repo: 'org/repo',
      revision: 'refs/pr/1',
      file: 'sub/a.gguf',
    });
  });

  it('parses org/repo:QUANT and hf:org/repo@rev:QUANT', () => {
    expect(parseModelRef(`${TINY_REPO}:Q4_K_M`)).toEqual({
      kind: 'hf-quant',
      repo: TINY_REPO,
      revision: 'main',
      quant: 'Q4_K_M',
    });
    expect(parseModelRef('hf:org/repo@v2:q8_0')).toEqual({
      kind: 'hf-quant',
      repo: 'org/repo',
      revision: 'v2',
      quant: 'q8_0',
    });
  });

  it('parses file: with an absolute path only', () => {
    expect(parseModelRef('file:/models/a.gguf')).toEqual({ kind: 'file', path: '/models/a.gguf' });
    expect(parseModelRef('file:C:\\models\\a.gguf')).toEqual({
      kind: 'file',
      path: 'C:\\models\\a.gguf',
    });
    const err = errorOf(() => parseModelRef('file:models/a.gguf'));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('not an absolute path');
  });

  it.each([
    ['', 'empty'],
    ['llama9000', 'not a known alias'],
    ['org/repo', 'needs a :QUANT tag'],
    ['hf:org/repo', 'needs a file'],
    ['hf:org/repo::file=a.bin', 'not a .gguf file'],
    ['hf:org/repo::file=../etc/a.gguf', 'not a plain path'],
    ['hf:org/repo::file=/a.gguf', 'not a plain path'],
    ['hf:org/repo::name=a.gguf', 'unknown option'],
    ['hf:org/a/b::file=a.gguf', 'not a Hugging Face repo id'],
    ['hf:org/repo@a b::file=a.gguf', 'not a revision'],
    ['org/repo:Q4 K', 'not a quantization tag'],
  ])('rejects %j: %s, listing the accepted forms', (input, what) => {
    const err = errorOf(() => parseModelRef(input));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain(what);
    expect(err.message).toContain('hf:org/repo[@revision]::file=NAME.gguf');
  });

  it('round-trips through formatModelRef', () => {
    for (const text of [
      'hf:org/repo::file=a.gguf',
      'hf:org/repo@dev::file=sub/a.gguf',
      'org/repo:Q4_K_M',
      'org/repo@abc123:Q8_0',
      'file:/x/y.gguf',
    ]) {
      expect(formatModelRef(parseModelRef(text))).toBe(text);
    }
  });

  it('names the local file after the last path segment', () => {
    expect(localFileName({ kind: 'hf', repo: 'o/r', revision: 'main', file: 'BF16/m.gguf' })).toBe(
      'm.gguf',
    );
  });
});

describe('pickQuantFile', () => {
  const files = [
    'README.md',
    'model.Q4_K_M.gguf',
    'model.Q4_K_S.gguf',
    'model-q8_0.gguf',
    'model.Q4_K_M.bin',
    'big-Q6_K-00001-of-00002.gguf',
    'big-Q6_K-00002-of-00002.gguf',
  ];

  it('picks the one file carrying the tag, case-insensitive', () => {
    expect(pickQuantFile('o/r', 'q4_k_m', files)).toBe('model.Q4_K_M.gguf');
    expect(pickQuantFile('o/r', 'Q8_0', files)).toBe('model-q8_0.gguf');
  });

  it('does not match a tag that is a prefix of another', () => {
    const err = errorOf(() => pickQuantFile('o/r', 'Q4_K', files));
    expect(err.code).toBe('MODEL_NOT_FOUND');
    expect(err.message).toContain('model.Q4_K_M.gguf');
    expect(err.details?.candidates).toEqual(files.filter((f) => f.endsWith('.gguf')));
  });

  it('refuses an ambiguous tag, listing the matches', () => {
    const err = errorOf(() => pickQuantFile('o/r', 'Q6_K', files));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('2 .gguf files are tagged Q6_K');
    expect(err.details?.candidates).toEqual([
      'big-Q6_K-00001-of-00002.gguf',
      'big-Q6_K-00002-of-00002.gguf',
    ]);
  });

  it('says when a repo has no gguf at all', () => {
    const err = errorOf(() => pickQuantFile('o/r', 'Q4_0', ['README.md']));
    expect(err.message).toContain('Files: none');
  });
});
