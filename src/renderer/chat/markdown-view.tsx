import { memo, useMemo, type ComponentProps } from 'react';
import Markdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock, FenceBlock } from './code-block';
import { fenceOf, splitBlocks } from './markdown-blocks';
import { paragraphParts } from './paragraph-parts';
import './markdown.css';

const REMARK_PLUGINS = [remarkGfm];

/** Links open outside the app (Electron hands allow-listed ones to the system browser). */
function Link({ node: _node, ...props }: ComponentProps<'a'> & ExtraProps) {
  return <a {...props} target="_blank" rel="noopener noreferrer" />;
}

const COMPONENTS: Components = { pre: CodeBlock, a: Link };
const PARAGRAPH = ['p'];

/** A part of a long paragraph (see paragraph-parts.ts): its inline content, without the `<p>`. */
const ParagraphPart = memo(function ParagraphPart({ text }: { text: string }) {
  return (
    <Markdown
      remarkPlugins={REMARK_PLUGINS}
      components={COMPONENTS}
      disallowedElements={PARAGRAPH}
      unwrapDisallowed
    >
      {text}
    </Markdown>
  );
});

/** One top-level block; memoized on its text, so finished blocks are not parsed again. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  const fence = fenceOf(text);
  if (fence) return <FenceBlock language={fence.language} code={fence.code} />;
  const parts = paragraphParts(text);
  if (parts) {
    // Even indexes are parts, odd ones the spaces between; a part keeps its index as it grows.
    return (
      <p>{parts.map((part, i) => (i % 2 === 0 ? <ParagraphPart key={i} text={part} /> : part))}</p>
    );
  }
  return (
    <Markdown remarkPlugins={REMARK_PLUGINS} components={COMPONENTS}>
      {text}
    </Markdown>
  );
});

const WARM_UP_TEXT = [
  '# Title\n\nSome *emphasis*, **strong**, `code`, ~~struck~~ and a [link](https://example.com).',
  '- one\n- two\n\n1. first\n2. second\n\n> quoted',
  '```ts\nconst x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---',
  // A long paragraph, the common case of a reply, so its code paths get hot too.
  'Counting so the parser warms up: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, and on. '.repeat(24),
].join('\n\n');

const WARM_UP_ROUNDS = 12;
let warmedUp = false;

/**
 * Runs the markdown pipeline a few times while the page is idle, one round per idle period.
 * The parser's code is compiled, then optimized, as it is used: without this, that happened
 * during the first streamed reply, as long tasks of 50-100 ms.
 */
export function warmUpMarkdown(): void {
  if (warmedUp || typeof requestIdleCallback !== 'function') return;
  warmedUp = true;
  let round = 0;
  const run = (deadline: IdleDeadline) => {
    while (round < WARM_UP_ROUNDS && (deadline.timeRemaining() > 8 || deadline.didTimeout)) {
      Markdown({ children: WARM_UP_TEXT, remarkPlugins: REMARK_PLUGINS, components: COMPONENTS });
      round += 1;
      if (deadline.didTimeout) break;
    }
    if (round < WARM_UP_ROUNDS) requestIdleCallback(run, { timeout: 1000 });
  };
  requestIdleCallback(run, { timeout: 1000 });
}

/**
 * A reply as markdown (GitHub flavour; raw HTML is not rendered). Rendered block by block: while
 * a reply streams, each frame parses only the block that is still growing, and of a long
 * paragraph only its last part (see paragraph-parts.ts).
 */
export function MarkdownView({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = useMemo(() => splitBlocks(text), [text]);
  return (
    <div className={streaming ? 'markdown streaming' : 'markdown'}>
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} />
      ))}
    </div>
  );
}
