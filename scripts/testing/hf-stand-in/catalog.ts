import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file as the stand-in's config names it: a path, or a path with a lie about its hash. */
export type FileSpec =
  string | { path: string; /** advertised instead of the real sha256 */ sha256?: string };

export interface RepoSpec {
  files: Record<string, FileSpec>;
  /** Branch or tag names the repo answers to, besides its commit id (default ['main']). */
  revisions?: string[];
}

/** One served file, hashed once at start. */
export interface CatalogFile {
  repoPath: string;
  diskPath: string;
  size: number;
  /** The LFS oid advertised by the tree API and X-Linked-Etag (the real sha256 unless lied about). */
  sha256: string;
  /** The git blob id of the LFS pointer file, as HF's tree API reports in `oid`. */
  pointerOid: string;
  pointerSize: number;
}

export interface CatalogRepo {
  commit: string;
  revisions: Set<string>;
  files: Map<string, CatalogFile>;
}

/** An entry of `GET /api/models/{repo}/tree/{rev}` (HF's ListFileEntry). */
export interface TreeEntry {
  type: 'file' | 'directory';
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  // Streamed: models can be hundreds of MB.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

function gitBlobOid(content: string): string {
  const body = Buffer.from(content);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

async function catalogFile(repoPath: string, spec: FileSpec): Promise<CatalogFile> {
  const diskPath = typeof spec === 'string' ? spec : spec.path;
  const size = (await stat(diskPath)).size;
  const advertised = typeof spec === 'string' ? undefined : spec.sha256;
  const sha256 = advertised ?? (await sha256OfFile(diskPath));
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
  return {
    repoPath,
    diskPath,
    size,
    sha256,
    pointerOid: gitBlobOid(pointer),
    pointerSize: Buffer.byteLength(pointer),
  };
}

export async function buildCatalog(
  repos: Record<string, RepoSpec>,
): Promise<Map<string, CatalogRepo>> {
  const catalog = new Map<string, CatalogRepo>();
  for (const [name, spec] of Object.entries(repos)) {
    const files = new Map<string, CatalogFile>();
    for (const [repoPath, fileSpec] of Object.entries(spec.files)) {
      files.set(repoPath, await catalogFile(repoPath, fileSpec));
    }
    const commit = createHash('sha1').update(`commit ${name}`).digest('hex');
    const revisions = new Set([...(spec.revisions ?? ['main']), commit]);
    catalog.set(name, { commit, revisions, files });
  }
  return catalog;
}

/** The tree at `dir` ('' = root): its files, and its subfolders once each; all files if recursive. */
export function treeEntries(repo: CatalogRepo, dir: string, recursive: boolean): TreeEntry[] {
  const prefix = dir === '' ? '' : `${dir.replace(/\/$/, '')}/`;
  const entries: TreeEntry[] = [];
  const dirs = new Set<string>();
  for (const file of repo.files.values()) {
    if (!file.repoPath.startsWith(prefix)) continue;
    const rest = file.repoPath.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash >= 0 && !recursive) {
      const sub = prefix + rest.slice(0, slash);
      if (!dirs.has(sub)) {
        dirs.add(sub);
        entries.push({ type: 'directory', oid: gitBlobOid(sub), size: 0, path: sub });
      }
      continue;
    }
    entries.push({
      type: 'file',
      oid: file.pointerOid,
      size: file.size,
      path: file.repoPath,
      lfs: { oid: file.sha256, size: file.size, pointerSize: file.pointerSize },
    });
  }
  return entries;
}
