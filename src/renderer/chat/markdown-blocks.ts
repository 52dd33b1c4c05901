const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])[ \t]/;

/**
 * Splits markdown into top-level blocks at blank lines, so a streaming reply re-parses only its
 * last block each frame while the finished blocks keep their rendered output. A blank line does
 * not split inside a code fence, before indented code, or inside a list (between its items or
 * before an item's indented continuation), so those render as they would in one piece. A fence
 * outside a list is always a block of its own (it ends a paragraph, as in CommonMark), so it can
 * be rendered without the parser: see `fenceOf`.
 */
export function splitBlocks(text: string): string[] {
  const lines = text.split('\n');
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;

  const close = () => {
    if (current.some((line) => line.trim() !== '')) blocks.push(current.join('\n'));
    current = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const inList = LIST_ITEM.test(current[0] ?? '');
    if (fence !== undefined) {
      current.push(line);
      if (isFenceClose(line, fence)) {
        fence = undefined;
        if (!inList) close();
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line)?.[1];
    if (open) {
      if (!inList) close();
      fence = open;
      current.push(line);
      continue;
    }
    if (line.trim() !== '') {
      current.push(line);
      continue;
    }
    const next = nextContentLine(lines, i + 1);
    // 1-3 leading spaces are still a plain paragraph (tokenizers often emit " The" after a
    // blank line); only deeper indentation, or any inside a list, continues the block.
    const continues =
      next !== undefined &&
      (/^( {4,}|\t)/.test(next) || (inList && (/^[ \t]+\S/.test(next) || LIST_ITEM.test(next))));
    if (continues) current.push(line);
    else close();
  }
  close();
  return blocks;
}

export interface Fence {
  /** The first word of the info string (`ts` in "```ts title=x"), if any. */
  language: string | undefined;
  code: string;
}

/**
 * The language and text of a block that is exactly one fenced code block (closed or still
 * streaming), as markdown would render it; undefined for anything else.
 */
export function fenceOf(block: string): Fence | undefined {
  const lines = block.split('\n');
  const first = lines[0] ?? '';
  const match = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(first);
  if (!match) return undefined;
  const [, indent = '', marker = '', info = ''] = match;
  // A backtick fence's info string may not contain a backtick (CommonMark): that is inline code.
  if (marker.startsWith('`') && info.includes('`')) return undefined;
  let body = lines.slice(1);
  const last = body.at(-1);
  if (body.length > 0 && last !== undefined && isFenceClose(last, marker)) body = body.slice(0, -1);
  else if (body.some((line) => isFenceClose(line, marker))) return undefined; // text after the fence
  const strip = indent.length;
  const code = body.map((line) => stripIndent(line, strip)).join('\n');
  return { language: info.trim().split(/\s+/)[0] || undefined, code: code ? `${code}\n` : '' };
}

function stripIndent(line: string, max: number): string {
  let i = 0;
  while (i < max && line[i] === ' ') i++;
  return line.slice(i);
}

function isFenceClose(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  const close = match?.[1];
  return close !== undefined && close[0] === fence[0] && close.length >= fence.length;
}

/** The next line that is not blank, or undefined at the end (the text may still be growing). */
function nextContentLine(lines: string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() !== '') return line;
  }
  return undefined;
}
