import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Real nvidia-smi outputs, see fixtures/nvidia-smi/README.md. */
export const NVIDIA_SMI_FIXTURES = fileURLToPath(
  new URL('../fixtures/nvidia-smi/', import.meta.url),
);

/** A fixture set by its prefix: `h200-idle` or `h200-busy`. */
export type NvidiaSmiFixture = 'h200-idle' | 'h200-busy';

/**
 * Installs `<home>/bin/nvidia-smi`, answering the commands the README lists from `fixture`'s
 * files (copied beside it, so the unprivileged test user can read them).
 */
export async function installFakeNvidiaSmi(home: string, fixture: NvidiaSmiFixture): Promise<void> {
  const data = join(home, '.fake-nvidia-smi');
  await mkdir(join(home, 'bin'), { recursive: true });
  await mkdir(data, { recursive: true });
  for (const suffix of ['.txt', '-query.csv', '-apps.csv', '-q.xml']) {
    await copyFile(
      join(NVIDIA_SMI_FIXTURES, `${fixture}${suffix}`),
      join(data, `fixture${suffix}`),
    );
  }
  const script = `#!/bin/sh
# Fake nvidia-smi for rbees tests: prints recorded outputs of a real ${fixture} GPU.
d='${data}'
case " $* " in
  *" --query-gpu="*) exec cat "$d/fixture-query.csv" ;;
  *" --query-compute-apps="*) exec cat "$d/fixture-apps.csv" ;;
  *" -q "*" -x "*|*" -x "*" -q "*) exec cat "$d/fixture-q.xml" ;;
  "  ") exec cat "$d/fixture.txt" ;;
esac
echo "nvidia-smi (rbees test fake): unsupported arguments: $*" >&2
exit 2
`;
  const path = join(home, 'bin', 'nvidia-smi');
  await writeFile(path, script);
  await chmod(path, 0o755);
}
