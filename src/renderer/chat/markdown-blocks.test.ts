import { describe, expect, it } from 'vitest';
import { fenceOf, splitBlocks } from './markdown-blocks';

describe('splitBlocks', () => {
  it('splits paragraphs and headings at blank lines', () => {
    expect(splitBlocks('# Title\n\nOne\ntwo\n\n\nThree')).toEqual(['# Title', 'One\ntwo', 'Three']);
  });

  it('keeps a fenced code block with blank lines in one block', () => {
    const code = '```ts\nconst a = 1;\n\nconst b = 2;\n```';
    expect(splitBlocks(`Intro\n\n${code}\n\nAfter`)).toEqual(['Intro', code, 'After']);
  });

  it('keeps an unclosed fence (still streaming) open to the end', () => {
    expect(splitBlocks('Intro\n\n```py\nx = 1\n\ny')).toEqual(['Intro', '```py\nx = 1\n\ny']);
  });

  it('needs a closing fence at least as long, of the same character', () => {
    expect(splitBlocks('````\na\n```\n\nb\n````\n\nc')).toEqual(['````\na\n```\n\nb\n````', 'c']);
    expect(splitBlocks('~~~\na\n```\n\nb\n~~~')).toEqual(['~~~\na\n```\n\nb\n~~~']);
  });

  it('makes a fence a block of its own, even without blank lines around it', () => {
    expect(splitBlocks('Look:\n```sh\nls\n```\nDone.')).toEqual([
      'Look:',
      '```sh\nls\n```',
      'Done.',
    ]);
  });

  it('leaves a fence inside a list item in the list', () => {
    const list = '1. Run:\n   ```sh\n   ls\n   ```\n2. Next';
    expect(splitBlocks(list)).toEqual([list]);
  });

  it('keeps a loose list and indented continuations together', () => {
    expect(splitBlocks('1. one\n\n2. two\n\n   more of two\n\nAfter')).toEqual([
      '1. one\n\n2. two\n\n   more of two',
      'After',
    ]);
  });

  it('splits before a paragraph that starts with a space or two', () => {
    expect(splitBlocks('One.\n\n The next\n\n  And more')).toEqual([
      'One.',
      ' The next',
      '  And more',
    ]);
  });

  it('keeps indented code after a blank line with what precedes it', () => {
    expect(splitBlocks('Intro\n\n    code\n\nAfter')).toEqual(['Intro\n\n    code', 'After']);
  });

  it('joins back to the same text, blank lines aside', () => {
    const text = 'a\n\n- b\n- c\n\n```\nd\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |';
    expect(splitBlocks(text).join('\n\n')).toBe(text);
  });

  it('has no blocks for empty or blank text', () => {
    expect(splitBlocks('')).toEqual([]);
    expect(splitBlocks('\n\n  \n')).toEqual([]);
  });
});

describe('fenceOf', () => {
  it('reads the language and the code of a closed fence', () => {
    expect(fenceOf('```ts title="x"\nconst a = 1;\n\nconst b = 2;\n```')).toEqual({
      language: 'ts',
      code: 'const a = 1;\n\nconst b = 2;\n',
    });
  });

  it('reads a fence that is still streaming', () => {
    expect(fenceOf('~~~\nline one\nline tw')).toEqual({
      language: undefined,
      code: 'line one\nline tw\n',
    });
    expect(fenceOf('```py')).toEqual({ language: 'py', code: '' });
  });

  it('removes the fence’s own indentation from the code', () => {
    expect(fenceOf('  ```\n    a\n  b\n  ```')?.code).toBe('  a\nb\n');
  });

  it('is undefined for anything but exactly one fence', () => {
    expect(fenceOf('Text')).toBeUndefined();
    expect(fenceOf('```inline` code')).toBeUndefined();
    expect(fenceOf('```\na\n```\nafter')).toBeUndefined();
  });
});
