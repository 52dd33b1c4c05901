import { memo, type ComponentProps, type ReactNode } from 'react';
import type { ExtraProps } from 'react-markdown';
import { CopyButton } from '../ui/copy-button';

type HastNode = NonNullable<ExtraProps['node']>;

/** The text of a hast element (a code block's source), for the Copy button. */
function textOf(node: HastNode | HastNode['children'][number]): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((child) => textOf(child)).join('');
  return '';
}

function languageOf(node: HastNode | undefined): string | undefined {
  const code = node?.children.find((child) => child.type === 'element' && child.tagName === 'code');
  if (code?.type !== 'element') return undefined;
  const classes = code.properties.className;
  const list = Array.isArray(classes) ? classes.map(String) : [];
  return list.find((c) => c.startsWith('language-'))?.slice('language-'.length);
}

interface CodeFrameProps {
  language: string | undefined;
  text: () => string;
  children: ReactNode;
}

/** The frame around a code block: its language and a Copy button above the `<pre>`. */
function CodeFrame({ language, text, children }: CodeFrameProps) {
  return (
    <div className="code-block" data-testid="code-block">
      <div className="code-block-head">
        <span className="code-block-lang">{language ?? 'text'}</span>
        <CopyButton text={() => text().replace(/\n$/, '')} label="Copy code" />
      </div>
      {children}
    </div>
  );
}

/** A code block inside markdown (react-markdown's `pre`), e.g. in a list item. */
export function CodeBlock({ node, children, ...rest }: ComponentProps<'pre'> & ExtraProps) {
  return (
    <CodeFrame language={languageOf(node)} text={() => (node ? textOf(node) : '')}>
      <pre {...rest}>{children}</pre>
    </CodeFrame>
  );
}

/**
 * A top-level fenced block rendered without the markdown parser: the same elements markdown
 * makes (`pre > code.language-x`), but a streaming code block costs one text update per frame
 * instead of a parse of the whole block.
 */
export const FenceBlock = memo(function FenceBlock(props: { language?: string; code: string }) {
  const { language, code } = props;
  return (
    <CodeFrame language={language} text={() => code}>
      <pre>
        <code className={language ? `language-${language}` : undefined}>{code}</code>
      </pre>
    </CodeFrame>
  );
});
