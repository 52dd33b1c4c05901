import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RbeesError } from '../../../shared/errors';
import { DOWNLOAD_ID, idProblem } from '../../../shared/ids';
import type { DownloadState, DownloadStateName } from '../../../shared/pool-status';
import { makePrivateDir, PRIVATE_FILE } from '../paths';

/** `<downloads dir>/<id>.json` holds a DownloadState: what `listDownloads` shows and `attachDownload` falls back on. */
export type { DownloadState, DownloadStateName };

/** `$RBEES_HOME/models`, `~/.rbees/models` by default: where the daemon looks for models. */
export function defaultModelsDir(env: Record<string, string | undefined> = process.env): string {
  return join(resolve(env.RBEES_HOME ?? join(homedir(), '.rbees')), 'models');
}

/** Downloads live beside the models folder, not in it: the daemon lists that one's *.gguf. */
export function downloadsDir(modelsDir: string): string {
  return join(dirname(modelsDir), 'downloads');
}

export function newDownloadId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

const ID = DOWNLOAD_ID.pattern;

/** Ids become file names: anything else is refused before it reaches a path. */
export function downloadFiles(modelsDir: string, id: string): { state: string; log: string } {
  if (!ID.test(id)) throw new RbeesError('BAD_REQUEST', idProblem(DOWNLOAD_ID, id));
  const dir = downloadsDir(modelsDir);
  return { state: join(dir, `${id}.json`), log: join(dir, `${id}.log`) };
}

export async function readState(modelsDir: string, id: string): Promise<DownloadState> {
  const { state } = downloadFiles(modelsDir, id);
  try {
    return JSON.parse(await readFile(state, 'utf8')) as DownloadState;
  } catch {
    throw new RbeesError('NOT_FOUND', `No download ${id} in ${downloadsDir(modelsDir)}.`, { id });
  }
}

/** Temp file + rename: a reader never sees half a state file. */
export async function writeState(modelsDir: string, s: DownloadState): Promise<void> {
  const { state } = downloadFiles(modelsDir, s.id);
  await makePrivateDir(dirname(state));
  const tmp = `${state}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ ...s, updated_at: new Date().toISOString() }), {
    mode: PRIVATE_FILE,
  });
  await rename(tmp, state);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A `running` state whose process is gone was killed before it could say how it ended. */
export function reconcile(s: DownloadState): DownloadState {
  if (s.state !== 'running' || s.pid === null || isAlive(s.pid)) return s;
  return {
    ...s,
    state: 'failed',
    error: {
      code: 'DOWNLOAD_FAILED',
      message: `The download process ${s.pid} ended without a result (killed?); start it again to resume.`,
    },
  };
}

/** Every known download, newest first, with dead `running` ones shown as failed. */
export async function listDownloads(opts: { modelsDir?: string } = {}): Promise<DownloadState[]> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const dir = downloadsDir(modelsDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const states: DownloadState[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    if (!ID.test(id)) continue;
    const s = await readState(modelsDir, id).catch(() => undefined);
    if (s) states.push(reconcile(s));
  }
  return states.sort((a, b) => b.started_at.localeCompare(a.started_at));
}
