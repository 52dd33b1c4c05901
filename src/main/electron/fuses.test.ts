import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// electron-builder's own loader: the config is read exactly as `npm run dist` reads it.
import { getConfig } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

type Fuses = NonNullable<Configuration['electronFuses']>;

/**
 * Every fuse electron-builder can set (@electron/fuses 1.8), by electron-builder's own names (the type checks them: a misspelt
 * key in the yml then fails the comparison). resetAdHocDarwinSignature is a signing step, not a fuse.
 */
const ADVISED = {
  runAsNode: true,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} satisfies Required<Omit<Fuses, 'resetAdHocDarwinSignature'>>;

function packagingConfig(): Promise<Configuration> {
  return getConfig(ROOT, null, null);
}

describe('the packaged app’s Electron fuses', () => {
  it('are set as Electron’s security guide advises', async () => {
    const { electronFuses } = await packagingConfig();
    expect(electronFuses).toEqual(ADVISED);
  });

  it('keep RunAsNode open only while the app starts processes with ELECTRON_RUN_AS_NODE', async () => {
    const { electronFuses } = await packagingConfig();
    // git grep: the source files that set it (tests aside). When none is left, close the fuse.
    const users = execFileSync(
      'git',
      ['grep', '-l', 'ELECTRON_RUN_AS_NODE', '--', 'src', ':!*.test.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    // This computer's agent (and through it, its workers) runs on the app's own binary.
    expect(users).toEqual(expect.arrayContaining(['src/main/daemon/hosts/agent-runner.ts']));
    expect(electronFuses?.runAsNode).toBe(users.length > 0);
  });
});
