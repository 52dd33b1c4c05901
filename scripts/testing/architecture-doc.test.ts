/**
 * docs/architecture.md stays true to the tree: every folder under src/ is listed in it, and every
 * path it names exists. A folder added without a line there, or one moved or removed while the
 * document still points at it, fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** Folders below `dir` (relative to the repository, with a trailing slash), depth first. */
function foldersUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      return [`${path}/`, ...foldersUnder(path)];
    });
}

/**
 * Paths the document names in backticks: `src/…`, `scripts/…`, `e2e/…`, `docs/…`; patterns
 * (`agent-*.ts`, `<area>/`) stand for a kind of file, not one, and are left out.
 */
function namedPaths(): string[] {
  const named = Array.from(
    DOC.matchAll(/`((?:src|scripts|e2e|docs)\/[^`\s]*)`/g),
    (m) => m[1] ?? '',
  );
  return [...new Set(named.filter((path) => !/[*<>]/.test(path)))];
}

describe('docs/architecture.md', () => {
  it('lists every folder under src/', () => {
    const listed = new Set(namedPaths().map((path) => (path.endsWith('/') ? path : `${path}/`)));
    const missing = foldersUnder('src').filter((folder) => !listed.has(folder));
    expect(missing, 'add a line for each to the folder list in docs/architecture.md').toEqual([]);
  });

  it('names only paths that exist', () => {
    const gone = namedPaths().filter((path) => !existsSync(join(ROOT, path)));
    expect(gone, 'fix or remove these in docs/architecture.md').toEqual([]);
  });

  it('is the document the README points newcomers to', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('docs/architecture.md');
  });
});
