/** Test helpers: the real nvidia-smi captures, and a fake nvidia-smi that prints them. */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('./fixtures/nvidia-smi/', import.meta.url));

export function fixture(name: string): Promise<string> {
  return readFile(join(FIXTURES, name), 'utf8');
}

/**
 * A directory holding an executable `nvidia-smi` that answers the agent's two queries with the
 * captured H200 output (`idle` or `busy`); prepend it to PATH in a child's environment.
 */
export async function fakeNvidiaSmi(state: 'idle' | 'busy'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rbees-fake-smi-'));
  const script = `#!/bin/sh
case "$*" in
  *--query-gpu=*) cat '${join(FIXTURES, `h200-${state}-query.csv`)}' ;;
  *--query-compute-apps=*) cat '${join(FIXTURES, `h200-${state}-apps.csv`)}' ;;
  *) echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 2 ;;
esac
`;
  await writeFile(join(dir, 'nvidia-smi'), script);
  await chmod(join(dir, 'nvidia-smi'), 0o755);
  return dir;
}
