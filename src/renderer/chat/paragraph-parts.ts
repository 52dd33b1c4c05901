/** About how long each frozen part of a long paragraph is (characters). */
export const PART_CHARS = 400;

/**
 * A character that can pair with another far away (emphasis, strikethrough, code spans, links,
 * footnotes, autolinks, raw HTML) or change its neighbour (a backslash escape). Text before the
 * first of them parses to plain text and literal autolinks only, none of which reach across a
 * space.
 */
const PAIRING = /[*_`~[\]<\\]/;

/** Where an ordered list marker ("3." or "3)") would start the text after a cut. */
const DIGITS_THEN = /^\d+(.?)/;

/**
 * Cuts a long paragraph that is still growing into parts that markdown parses alone exactly as it
 * parses them inside the whole, so a streaming reply re-parses only its last part each frame
 * instead of the whole paragraph (GFM's parser costs ~1.5 µs a character: a 10,000-character
 * paragraph took 15-40 ms a frame). Returns [part, gap, part, gap, …, last part] (the gaps are
 * the spaces between, kept as they are, since markdown keeps spaces inside a line), or undefined
 * when the block is not such a paragraph or is short.
 *
 * Only one line, starting with a letter, is cut: then it is a paragraph (no heading, list, quote,
 * table, setext underline or definition can start it), and each part is one too. A cut is made
 * only at spaces before a letter or digit (not a list marker), and only before the first
 * character that pairs (see PAIRING); a part stays the same as the text grows, so its rendering
 * is memoized.
 */
export function paragraphParts(block: string, partChars = PART_CHARS): string[] | undefined {
  if (block.length < 2 * partChars || block.includes('\n') || !/^\p{L}/u.test(block)) {
    return undefined;
  }
  const pairing = block.search(PAIRING);
  const limit = pairing === -1 ? block.length : pairing;
  const parts: string[] = [];
  let from = 0;
  let at = partChars;
  while (at < limit) {
    const cut = nextCut(block, at, limit);
    if (!cut) break;
    parts.push(block.slice(from, cut.start), block.slice(cut.start, cut.end));
    from = cut.end;
    at = from + partChars;
  }
  if (parts.length === 0) return undefined;
  parts.push(block.slice(from));
  return parts;
}

/** The first run of spaces at or after `at` (before `limit`) that may be cut at. */
function nextCut(
  text: string,
  at: number,
  limit: number,
): { start: number; end: number } | undefined {
  for (let start = text.indexOf(' ', at); start !== -1 && start < limit;) {
    let end = start;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (start > 0 && !/\s/.test(text[start - 1] ?? ' ') && startsPart(text, end)) {
      return { start, end };
    }
    start = text.indexOf(' ', end);
  }
  return undefined;
}

/**
 * Whether the text from `at` on starts a paragraph of its own the way it continues the line: a
 * letter, or digits not followed by "." or ")". Decided only once what follows the digits has
 * arrived, so that a cut, once made, never moves.
 */
function startsPart(text: string, at: number): boolean {
  const first = text[at];
  if (first === undefined) return false;
  if (/\p{L}/u.test(first)) return true;
  const digits = DIGITS_THEN.exec(text.slice(at, at + 12));
  if (!digits) return false;
  const after = digits[1];
  return after !== undefined && after !== '' && after !== '.' && after !== ')';
}
