import fc from 'fast-check';
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { describe, expect, it } from 'vitest';
import { paragraphParts } from './paragraph-parts';

const plugins = [remarkGfm];

function whole(text: string): string {
  return renderToStaticMarkup(createElement(Markdown, { remarkPlugins: plugins }, text));
}

/** The parts rendered as markdown-view.tsx renders them: inline content in one `<p>`. */
function inParts(parts: string[]): string {
  const children = parts.map((part, i) =>
    i % 2 === 0
      ? createElement(
          Markdown,
          { key: i, remarkPlugins: plugins, disallowedElements: ['p'], unwrapDisallowed: true },
          part,
        )
      : part,
  );
  return renderToStaticMarkup(createElement('p', null, createElement(Fragment, null, ...children)));
}

const WORDS = [
  'word',
  'Zeta',
  'é',
  '1,',
  '2.',
  '3)',
  '42',
  '7:',
  ' ',
  '  ',
  '\t',
  '*',
  '**',
  '_',
  '`',
  '~~',
  '[a](https://x.y)',
  '[b]',
  '<x>',
  '<https://a.b>',
  '\\*',
  'www.example.com',
  'a@b.co',
  '&amp;',
  'http://x.y/z.',
  '#',
  '-',
  '+',
  '>',
  '|',
  ':',
  '!',
  '(',
  ')',
  '[^1]',
  '===',
  '---',
  '&',
];

describe('paragraphParts', () => {
  it('leaves short, multi-line and non-letter-first blocks whole', () => {
    expect(paragraphParts('Short text.')).toBeUndefined();
    expect(paragraphParts(`One ${'a '.repeat(500)}\ntwo`)).toBeUndefined();
    expect(paragraphParts(`- ${'a '.repeat(500)}`)).toBeUndefined();
    expect(paragraphParts(`1. ${'a '.repeat(500)}`)).toBeUndefined();
  });

  it('cuts a long paragraph at spaces into parts that join back to it', () => {
    const text = `Counting: ${Array.from({ length: 600 }, (_, i) => i + 1).join(', ')}.`;
    const parts = paragraphParts(text, 100);
    expect(parts?.length).toBeGreaterThan(10);
    expect(parts?.join('')).toBe(text);
    expect(parts?.filter((_, i) => i % 2 === 1).every((gap) => gap === ' ')).toBe(true);
  });

  it('does not cut after the first character that may pair with a later one', () => {
    const text = `Start ${'plain words '.repeat(20)}*open ${'more words '.repeat(40)}close*`;
    const parts = paragraphParts(text, 40) ?? [];
    expect(parts.join('')).toBe(text);
    expect(parts.at(-1)).toContain('*open');
  });

  it('keeps its cuts as the text grows', () => {
    const text = `Counting: ${Array.from({ length: 400 }, (_, i) => i + 1).join(', ')}.`;
    let previous: string[] = [];
    for (let n = 50; n <= text.length; n += 7) {
      const parts = paragraphParts(text.slice(0, n), 60) ?? [];
      // Every part but the last (still growing) is unchanged.
      const kept = Math.max(0, previous.length - 1);
      expect(parts.slice(0, kept)).toEqual(previous.slice(0, kept));
      previous = parts;
    }
  });

  it('renders exactly as the whole paragraph does', () => {
    const plain = WORDS.filter((word) => !/[*_`~[\]<\\]/.test(word));
    const line = fc
      .tuple(
        fc.constantFrom('A', 'b', 'Ω'),
        fc.array(fc.constantFrom(...plain), { minLength: 5, maxLength: 60 }),
        fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }),
      )
      .map(([first, head, rest]) => first + [...head, ...rest].join(' '));
    let cut = 0;
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 30 }), (text, size) => {
        const parts = paragraphParts(text, size);
        if (!parts) return;
        cut++;
        expect(inParts(parts)).toBe(whole(text));
      }),
      { numRuns: 500 },
    );
    expect(cut).toBeGreaterThan(250); // the property is about cut paragraphs: most must be
  });
});
