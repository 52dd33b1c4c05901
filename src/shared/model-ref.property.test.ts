import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import { RbeesError } from './errors';
import {
  DEFAULT_REVISION,
  formatModelRef,
  MODEL_ALIASES,
  parseModelRef,
  pickQuantFile,
  type ModelRef,
} from './model-ref';
import { modelIdFromFileName, resolveModelId } from './models';

/**
 * Model references as a user types them (the CLI, the UI's download box, the agent's `models
 * download`): any text is a reference or a BAD_REQUEST saying why, and a reference survives being
 * written out and read back.
 */

const alnum = fc.constantFrom(...'abcXYZ019');
const word = (chars: string, min = 1) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: 12 });
const repoPart = fc
  .tuple(alnum, word('aZ09._-', 0))
  .map(([head, tail]) => head + tail)
  .filter((part) => !part.includes('..'));
const repo = fc.tuple(repoPart, repoPart).map(([org, name]) => `${org}/${name}`);
const revision = fc.oneof(
  fc.constant(DEFAULT_REVISION),
  word('aZ09._/-').filter((rev) => !rev.split('/').includes('..')),
);
const quant = word('QKqk0458_');
const segment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 8 })
  .filter((s) => !s.includes('/') && s !== '.' && s !== '..');
const repoFile = fc
  .array(segment, { minLength: 0, maxLength: 3 })
  .chain((dirs) => segment.map((name) => [...dirs, `${name}.gguf`].join('/')));

/** Every kind of reference parseModelRef can return. */
const validRef: fc.Arbitrary<ModelRef> = fc.oneof(
  fc.record({ kind: fc.constant('hf' as const), repo, revision, file: repoFile }),
  fc.record({ kind: fc.constant('hf-quant' as const), repo, revision, quant }),
  fc.record({
    kind: fc.constant('file' as const),
    // The input is trimmed: a path with spaces around it is not one a user can type.
    path: fc
      .oneof(
        fc.string({ unit: 'binary' }).map((s) => `/${s}`),
        fc.string({ unit: 'binary' }).map((s) => `C:\\${s}`),
      )
      .filter((path) => path === path.trim()),
  }),
);

/** Text around the grammar's separators, and names that an object literal already has. */
const refText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('hf:', 'file:', '::', 'file=', ':', '@', '/', '..', '.gguf', ' ', '\t'),
        fc.constantFrom('Q4_K_M', 'org', 'repo', 'C:\\', '\u00a0', '\ufeff', 'é', '🐝'),
        word('aZ09._-'),
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join('')),
  fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'),
  validRef.map(formatModelRef),
);

function refOrBadRequest(input: string): ModelRef | RbeesError {
  try {
    return parseModelRef(input);
  } catch (err) {
    assert(err instanceof RbeesError && err.code === 'BAD_REQUEST', `${input}: ${String(err)}`);
    assert(err.message.startsWith('Model reference'), err.message);
    return err;
  }
}

describe('model references, generated', () => {
  it('any text is a reference or a BAD_REQUEST naming the reference', () => {
    fc.assert(
      fc.property(refText, (input) => {
        const ref = refOrBadRequest(input);
        // What parses once is canonical once written out.
        if (!(ref instanceof RbeesError)) expect(parseModelRef(formatModelRef(ref))).toEqual(ref);
      }),
      { numRuns: 10_000 },
    );
  });

  it('reads back every reference it writes', () => {
    fc.assert(
      fc.property(validRef, (ref) => {
        expect(parseModelRef(formatModelRef(ref))).toEqual(ref);
      }),
      { numRuns: 8_000 },
    );
  });

  it('is not fooled by names every object has (regression: "constructor" threw a TypeError)', () => {
    for (const name of ['constructor', '__proto__', 'CONSTRUCTOR', 'hasOwnProperty']) {
      expect(() => parseModelRef(name)).toThrow('it is not a known alias');
    }
    expect(parseModelRef(Object.keys(MODEL_ALIASES)[0] ?? '')).toMatchObject({ kind: 'hf' });
  });
});

describe('picking a repo file by its quantization tag, generated', () => {
  const path = fc.oneof(
    repoFile,
    fc
      .tuple(
        word('aZ09'),
        fc.constantFrom('.', '-', '_', '/'),
        quant,
        fc.constantFrom('.gguf', '-00001-of-00002.gguf', '.bin', ''),
      )
      .map((parts) => parts.join('')),
  );
  it('answers one of the files carrying the tag, or MODEL_NOT_FOUND / BAD_REQUEST', () => {
    fc.assert(
      fc.property(
        fc.oneof(quant, fc.string({ unit: 'binary' })),
        fc.array(path, { maxLength: 5 }),
        (tag, paths) => {
          try {
            const picked = pickQuantFile('org/repo', tag, paths);
            assert(paths.includes(picked) && /\.gguf$/i.test(picked), picked);
            assert(picked.toLowerCase().includes(tag.toLowerCase()), `${picked} for ${tag}`);
          } catch (err) {
            const code = err instanceof RbeesError ? err.code : String(err);
            assert(code === 'MODEL_NOT_FOUND' || code === 'BAD_REQUEST', code);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('model ids of files, generated', () => {
  const fileName = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .tuple(
        fc.string({ unit: 'binary', maxLength: 10 }),
        fc.constantFrom('.gguf', '.GGUF', '.gguf.gguf', ''),
      )
      .map(([a, b]) => a + b),
  );

  it('a file name gives an id or none, never a throw; a known id resolves to itself', () => {
    fc.assert(
      fc.property(
        fc.array(fileName, { maxLength: 6 }),
        fc.string({ unit: 'binary' }),
        (files, asked) => {
          const known = files.flatMap((file) => modelIdFromFileName(file) ?? []);
          for (const id of known) assert(id !== '' && resolveModelId(id, known) === id, id);
          let resolved: string;
          try {
            resolved = resolveModelId(asked, known);
          } catch (err) {
            assert(err instanceof RbeesError && err.code === 'MODEL_NOT_FOUND', String(err));
            return;
          }
          assert(known.includes(resolved), resolved);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('resolves ids that look like a file name or have spaces (regression)', () => {
    expect(resolveModelId('a.gguf', ['a.gguf'])).toBe('a.gguf');
    expect(resolveModelId(' b ', [' b '])).toBe(' b ');
    expect(resolveModelId('a.gguf', ['a'])).toBe('a');
  });
});
