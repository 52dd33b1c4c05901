import { RbeesError } from '../../../shared/errors';
import type { ModelRef } from '../../../shared/model-ref';
import { formatModelRef, localFileName, pickQuantFile } from '../../../shared/model-ref';
import { getJsonPages, type HfAuth } from './hf-http';

/** The one file a reference names, as the tree API describes it. */
export interface RemoteFile {
  repo: string;
  revision: string;
  /** Path inside the repo. */
  path: string;
  /** Name in the models folder. */
  fileName: string;
  /** `${endpoint}/${repo}/resolve/${revision}/${path}`: stable, unlike the signed CDN URL. */
  url: string;
  size: number;
  /** The LFS oid; undefined for a file kept in plain git (GGUFs on HF are always LFS). */
  sha256: string | undefined;
}

interface TreeEntry {
  type: string;
  path: string;
  size: number;
  lfs?: { oid: string; size: number };
}

function isTreeEntry(value: unknown): value is TreeEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.path === 'string' && typeof v.size === 'number';
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

async function listTree(
  endpoint: string,
  repo: string,
  revision: string,
  dir: string,
  recursive: boolean,
  auth: HfAuth | undefined,
  signal: AbortSignal | undefined,
): Promise<TreeEntry[]> {
  const base = `${endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}`;
  const url = `${base}${dir ? `/${encodePath(dir)}` : ''}${recursive ? '?recursive=true' : ''}`;
  const subject = `${repo}@${revision}${dir ? `/${dir}` : ''}`;
  const pages = await getJsonPages(url, subject, auth, signal);
  const entries: TreeEntry[] = [];
  for (const page of pages) {
    if (!Array.isArray(page)) {
      throw new RbeesError('DOWNLOAD_FAILED', `${url}: the tree API did not answer a list.`);
    }
    entries.push(...page.filter(isTreeEntry));
  }
  return entries.filter((e) => e.type === 'file');
}

const LFS_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Resolves an hf reference to one file with its size and sha256, through the tree API (the
 * documented source of the LFS oid). `:QUANT` references pick their file from the whole tree.
 */
export async function resolveRemoteFile(
  ref: ModelRef,
  endpoint: string,
  auth: HfAuth | undefined,
  signal?: AbortSignal,
): Promise<RemoteFile> {
  if (ref.kind === 'file') {
    throw new RbeesError(
      'BAD_REQUEST',
      `${formatModelRef(ref)} is a file on this host already: there is nothing to download.`,
    );
  }
  const base = endpoint.replace(/\/+$/, '');
  let path: string;
  let entries: TreeEntry[];
  if (ref.kind === 'hf-quant') {
    entries = await listTree(base, ref.repo, ref.revision, '', true, auth, signal);
    path = pickQuantFile(
      ref.repo,
      ref.quant,
      entries.map((e) => e.path),
    );
  } else {
    path = ref.file;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    entries = await listTree(base, ref.repo, ref.revision, dir, false, auth, signal);
  }
  const entry = entries.find((e) => e.path === path);
  if (!entry) {
    const ggufs = entries.map((e) => e.path).filter((p) => p.endsWith('.gguf'));
    throw new RbeesError(
      'MODEL_NOT_FOUND',
      `${ref.repo}@${ref.revision}: there is no file ${path}. ` +
        `GGUF files there: ${ggufs.length > 0 ? ggufs.join(', ') : 'none'}.`,
      { repo: ref.repo, revision: ref.revision, file: path, candidates: ggufs },
    );
  }
  const sha256 = entry.lfs && LFS_SHA256.test(entry.lfs.oid) ? entry.lfs.oid : undefined;
  const resolved = { kind: 'hf', repo: ref.repo, revision: ref.revision, file: path } as const;
  return {
    repo: ref.repo,
    revision: ref.revision,
    path,
    fileName: localFileName(resolved),
    url: `${base}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${encodePath(path)}`,
    size: entry.lfs?.size ?? entry.size,
    sha256,
  };
}
