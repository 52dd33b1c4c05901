/**
 * The SentencePiece-style ("llama") vocabulary of a generated model, and how a script reply is
 * cut into tokens of it. llama.cpp hard-aborts on a duplicate token text, so every text is unique.
 */

/** llama.cpp's token types (llama_token_type). */
const TokenType = { normal: 1, unknown: 2, control: 3, unused: 5, byte: 6 } as const;

/** SentencePiece writes a space as U+2581; llama.cpp turns it back into a space on output. */
const SPM_SPACE = '\u2581';

/**
 * llama.cpp's SPM tokenizer starts from single characters and merges neighbours only into texts
 * that are tokens. Our only multi-character tokens are script pieces (and special tokens, which it
 * matches separately), so a piece of 3+ characters is never produced from a prompt: a prompt
 * cannot end on a script token and start the reply mid-script. A 2-character piece would be.
 */
const MIN_PIECE_CHARS = 3;

/** One token of the script reply: a text piece, or a raw byte (to exercise byte fallback). */
export type ScriptPiece = { kind: 'text'; text: string } | { kind: 'byte'; byte: number };

const CHATML_TOKENS = ['<|im_start|>', '<|im_end|>'] as const;

/**
 * Cuts `script` into unique pieces whose concatenation, decoded, is exactly `script`. Words keep
 * their leading whitespace, as SPM does. A repeated or too short word is joined to the next one.
 * A word with non-ASCII characters whose bytes do not repeat anywhere in the script so far is
 * spelled with byte tokens, so the reply also tests multi-byte UTF-8 split across tokens. (Byte
 * fallback gives a prompt the same tokens: a prompt ending with such a word's last character
 * gets the rest of the script after it. The default script's is "—".)
 */
export function splitScript(script: string): ScriptPiece[] {
  if (script.includes(SCRIPT_CUT)) return cutPieces(script);
  const words = script.match(/\s*\S+|\s+$/gu) ?? [];
  if (words.length === 0) throw new Error('the script is empty');
  // llama.cpp drops the leading space of the first token it decodes, so it could never be said.
  if (/^\s/u.test(script)) throw new Error('the script must not start with whitespace');
  const pieces: ScriptPiece[] = [];
  const usedTexts = new Set<string>();
  const usedBytes = new Set<number>();
  let pending = '';
  for (const word of words) {
    if (pending === '' && /[^\p{ASCII}]/u.test(word)) {
      const bytes = [...Buffer.from(word, 'utf8')];
      // Control bytes (a newline) end chat templates: as script tokens they would start the
      // reply mid-script, so such words stay text.
      const usable = bytes.every((b) => b >= 0x20 && b !== 0x7f && !usedBytes.has(b));
      if (usable && new Set(bytes).size === bytes.length) {
        for (const byte of bytes) pieces.push({ kind: 'byte', byte });
        bytes.forEach((b) => usedBytes.add(b));
        continue;
      }
    }
    const text = pending + word.replaceAll(' ', SPM_SPACE);
    if ([...text].length >= MIN_PIECE_CHARS && !usedTexts.has(text)) {
      pieces.push({ kind: 'text', text });
      usedTexts.add(text);
      pending = '';
    } else {
      pending = text;
    }
  }
  if (pending !== '') {
    // The script ends on a short or repeated word: glue it to the previous text piece.
    const last = pieces.at(-1);
    const text = last?.kind === 'text' ? last.text + pending : pending;
    if (usedTexts.has(text)) throw new Error(`cannot cut the script into unique tokens: "${text}"`);
    if (last?.kind === 'text') pieces.pop();
    pieces.push({ kind: 'text', text });
  }
  return pieces;
}

/**
 * Marks where a script is cut into tokens, instead of at words: a reply that a grammar constrains
 * part by part (a tool call's name, then its JSON arguments) needs a token boundary at each part's
 * end, since a token running past the part is not allowed there.
 */
export const SCRIPT_CUT = '\u2063';

function cutPieces(script: string): ScriptPiece[] {
  const texts = script.split(SCRIPT_CUT).map((piece) => piece.replaceAll(' ', SPM_SPACE));
  if (texts.some((text) => text === '') || new Set(texts).size !== texts.length) {
    throw new Error(
      `the script's cut pieces must be unique and not empty: ${JSON.stringify(script)}`,
    );
  }
  return texts.map((text) => ({ kind: 'text', text }));
}

export interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  bos: number;
  eos: number;
  unk: number;
  /** Token ids of the script reply, in order; empty without a script. */
  script: number[];
}

export interface VocabOptions {
  size: number;
  script?: readonly ScriptPiece[] | undefined;
  chatml: boolean;
}

/**
 * Order: <unk>, <s>, </s>, the 256 byte tokens, ChatML tokens, script pieces, every printable
 * ASCII character (so prompts tokenize to characters, not bytes), then unused padding up to size.
 */
export function buildVocab({ size, script = [], chatml }: VocabOptions): Vocab {
  const vocab: Vocab = { tokens: [], scores: [], types: [], bos: 1, eos: 2, unk: 0, script: [] };
  const ids = new Map<string, number>();
  const add = (text: string, type: number): number => {
    if (ids.has(text)) throw new Error(`duplicate token text: ${JSON.stringify(text)}`);
    const id = vocab.tokens.length;
    ids.set(text, id);
    vocab.tokens.push(text);
    // SPM merges the pair with the highest score first; earlier normal tokens win, as in llama's.
    vocab.scores.push(type === TokenType.normal ? -id : 0);
    vocab.types.push(type);
    return id;
  };
  add('<unk>', TokenType.unknown);
  add('<s>', TokenType.control);
  add('</s>', TokenType.control);
  const byteToken = (byte: number): string =>
    `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
  for (let byte = 0; byte < 256; byte++) add(byteToken(byte), TokenType.byte);
  if (chatml) CHATML_TOKENS.forEach((token) => add(token, TokenType.control));
  vocab.script = script.map((piece) =>
    piece.kind === 'byte'
      ? (ids.get(byteToken(piece.byte)) ?? vocab.unk)
      : add(piece.text, TokenType.normal),
  );
  for (let code = 0x20; code < 0x7f; code++) {
    const text = code === 0x20 ? SPM_SPACE : String.fromCharCode(code);
    if (!ids.has(text)) add(text, TokenType.normal);
  }
  if (vocab.tokens.length > size) {
    throw new Error(`vocab ${size} is too small: this model needs ${vocab.tokens.length} tokens`);
  }
  for (let pad = 0; vocab.tokens.length < size; pad++) {
    if (!ids.has(`<pad_${pad}>`)) add(`<pad_${pad}>`, TokenType.unused);
  }
  return vocab;
}
