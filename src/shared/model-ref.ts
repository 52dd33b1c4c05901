import { RbeesError } from './errors';

/**
 * Model references (SYS-2.1): what a user types to name a model to download or load.
 * Aliases resolve here, so a pool only ever sees one of the three resolved kinds.
 */
export type ModelRef =
  /** One file of a Hugging Face repo at a revision (branch, tag or commit). */
  | { kind: 'hf'; repo: string; revision: string; file: string }
  /** A repo and a quantization tag; the file is picked from the repo's tree by `pickQuantFile`. */
  | { kind: 'hf-quant'; repo: string; revision: string; quant: string }
  /** A GGUF file already on the pool host's disk. */
  | { kind: 'file'; path: string };

export const DEFAULT_REVISION = 'main';

/** Short names for well-known models; each maps to a full reference. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  tinyllama: 'hf:TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF::file=tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf',
};

export const ACCEPTED_FORMS =
  'accepted forms: an alias (' +
  Object.keys(MODEL_ALIASES).join(', ') +
  '), hf:org/repo[@revision]::file=NAME.gguf, org/repo[@revision]:QUANT ' +
  '(e.g. TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:Q4_K_M), file:/absolute/path.gguf';

// Hugging Face repo ids: `org/name`, letters, digits, `-`, `_`, `.`; no leading punctuation.
const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Revisions may be branch names with slashes (`refs/pr/1`); no whitespace and no `..`.
const REVISION = /^[A-Za-z0-9._/-]+$/;
const QUANT = /^[A-Za-z0-9_]+$/;
const GGUF = /\.gguf$/i;

function bad(input: string, what: string): RbeesError {
  return new RbeesError('BAD_REQUEST', `Model reference "${input}": ${what}; ${ACCEPTED_FORMS}.`, {
    ref: input,
  });
}

function checkRepo(input: string, repo: string): void {
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts.every((p) => REPO_PART.test(p) && !p.includes('..'))) {
    throw bad(input, `"${repo}" is not a Hugging Face repo id (org/name)`);
  }
}

/** `org/repo[@rev]` → repo and revision. */
function splitRevision(input: string, repoAndRev: string): { repo: string; revision: string } {
  const at = repoAndRev.indexOf('@');
  const repo = at < 0 ? repoAndRev : repoAndRev.slice(0, at);
  const revision = at < 0 ? DEFAULT_REVISION : repoAndRev.slice(at + 1);
  checkRepo(input, repo);
  if (!REVISION.test(revision) || revision.split('/').includes('..')) {
    throw bad(input, `"${revision}" is not a revision (a branch, tag or commit)`);
  }
  return { repo, revision };
}

function checkRepoFile(input: string, file: string): void {
  if (!GGUF.test(file)) throw bad(input, `the file "${file}" is not a .gguf file`);
  // The file becomes a path on the pool's disk and in a URL: no traversal, no absolute paths.
  const segments = file.split('/');
  if (file.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw bad(input, `the file "${file}" is not a plain path inside the repo`);
  }
}

function parseHf(input: string, body: string): ModelRef {
  const sep = body.indexOf('::');
  if (sep < 0) {
    const quant = parseQuantSuffix(input, body);
    if (quant) return quant;
    throw bad(input, 'an hf: reference needs a file (::file=NAME.gguf) or a :QUANT tag');
  }
  const { repo, revision } = splitRevision(input, body.slice(0, sep));
  const option = body.slice(sep + 2);
  if (!option.startsWith('file=')) throw bad(input, `unknown option "${option}" (only file=)`);
  const file = option.slice('file='.length);
  checkRepoFile(input, file);
  return { kind: 'hf', repo, revision, file };
}

/** `org/repo[@rev]:QUANT`, or undefined when there is no `:` tag. */
function parseQuantSuffix(input: string, body: string): ModelRef | undefined {
  const colon = body.lastIndexOf(':');
  if (colon < 0) return undefined;
  const quant = body.slice(colon + 1);
  if (!QUANT.test(quant)) throw bad(input, `"${quant}" is not a quantization tag like Q4_K_M`);
  const { repo, revision } = splitRevision(input, body.slice(0, colon));
  return { kind: 'hf-quant', repo, revision, quant };
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** Parses a reference, resolving aliases. Throws BAD_REQUEST naming what is wrong. */
export function parseModelRef(raw: string): ModelRef {
  const input = raw.trim();
  if (input === '') throw bad(raw, 'it is empty');
  // Own keys only: `constructor` and `__proto__` are on every object literal.
  const name = input.toLowerCase();
  const alias = Object.hasOwn(MODEL_ALIASES, name) ? MODEL_ALIASES[name] : undefined;
  if (alias !== undefined) return parseModelRef(alias);
  if (input.startsWith('file:')) {
    const path = input.slice('file:'.length);
    if (!isAbsolutePath(path)) throw bad(input, `"${path}" is not an absolute path`);
    return { kind: 'file', path };
  }
  if (input.startsWith('hf:')) return parseHf(input, input.slice('hf:'.length));
  if (input.includes('/')) {
    const quant = parseQuantSuffix(input, input);
    if (quant) return quant;
    throw bad(input, 'a repo needs a :QUANT tag (or use hf:org/repo::file=NAME.gguf)');
  }
  throw bad(input, 'it is not a known alias');
}

/** The canonical text of a reference; `parseModelRef(formatModelRef(r))` equals `r`. */
export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'file':
      return `file:${ref.path}`;
    case 'hf': {
      const rev = ref.revision === DEFAULT_REVISION ? '' : `@${ref.revision}`;
      return `hf:${ref.repo}${rev}::file=${ref.file}`;
    }
    case 'hf-quant': {
      const rev = ref.revision === DEFAULT_REVISION ? '' : `@${ref.revision}`;
      return `${ref.repo}${rev}:${ref.quant}`;
    }
  }
}

/** The name the file gets in the models folder (repo subfolders are dropped). */
export function localFileName(ref: ModelRef & { kind: 'hf' }): string {
  return ref.file.split('/').pop() ?? ref.file;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Picks the one `.gguf` file of a repo whose name carries the quantization tag, case-insensitive.
 * The tag must stand alone: `Q4_K` does not match `Q4_K_M`. None or several → an error listing
 * the candidates, so the user can retype with `::file=`.
 */
export function pickQuantFile(repo: string, quant: string, paths: readonly string[]): string {
  const ggufs = paths.filter((p) => GGUF.test(p));
  // Left: start, a path separator or a name separator; right: `.gguf`, `.`/`-` (shards), end.
  const tag = new RegExp(`(^|[-._/])${escapeRegExp(quant)}(?=[-.]|$)`, 'i');
  const matches = ggufs.filter((p) => tag.test(p.replace(GGUF, '')));
  const listed = ggufs.length > 0 ? ggufs.join(', ') : 'none';
  if (matches.length === 0) {
    throw new RbeesError(
      'MODEL_NOT_FOUND',
      `${repo}: no .gguf file is tagged ${quant}. Files: ${listed}. ` +
        `Pick one with hf:${repo}::file=NAME.gguf.`,
      { repo, quant, candidates: ggufs },
    );
  }
  const [only, ...rest] = matches;
  if (only === undefined || rest.length > 0) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${repo}: ${matches.length} .gguf files are tagged ${quant}: ${matches.join(', ')}. ` +
        `Pick one with hf:${repo}::file=NAME.gguf.`,
      { repo, quant, candidates: matches },
    );
  }
  return only;
}
