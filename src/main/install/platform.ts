/**
 * Install targets (POSIX hosts only: the installer and the launcher are sh scripts): `<os>-<cpu>` in node-llama-cpp's naming (`linux-x64`, `mac-arm64`), mapped to
 * the `os`/`cpu` values npm packages declare, so that the payload carries only what the host runs.
 */
import { RbeesError } from '../../shared/errors';

export const PLATFORMS = [
  'linux-x64',
  'linux-arm64',
  'linux-armv7l',
  'mac-arm64',
  'mac-x64',
] as const;

export type Platform = (typeof PLATFORMS)[number];

/** `process.platform` / `process.arch` values, as package.json `os` and `cpu` use them. */
export interface NodeTarget {
  os: NodeJS.Platform;
  cpu: string;
}

const OS: Record<string, NodeJS.Platform> = { linux: 'linux', mac: 'darwin' };
const CPU: Record<string, string> = { x64: 'x64', arm64: 'arm64', armv7l: 'arm' };

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

export function nodeTarget(platform: Platform): NodeTarget {
  const [os = '', cpu = ''] = platform.split('-');
  return { os: OS[os] ?? 'linux', cpu: CPU[cpu] ?? cpu };
}

/** `uname -sm` output (`Linux x86_64`, `Darwin arm64`) as a Platform. */
export function platformFromUname(uname: string, host: string): Platform {
  const [system = '', machine = ''] = uname.trim().split(/\s+/);
  const os = { Linux: 'linux', Darwin: 'mac' }[system];
  const cpu = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'armv7l' }[
    machine
  ];
  const name = `${os}-${cpu}`;
  if (os === undefined || cpu === undefined || !isPlatform(name)) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${host}: unsupported platform "${uname.trim()}" — the agent runs on ${PLATFORMS.join(', ')}; ` +
        'pass --platform if uname is misleading',
    );
  }
  return name;
}

/** npm's rule for `os`/`cpu` lists: any `!x` that matches excludes; else a positive must match. */
function allowed(list: unknown, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const entries = list.filter((e): e is string => typeof e === 'string');
  if (entries.includes(`!${value}`)) return false;
  const positives = entries.filter((e) => !e.startsWith('!'));
  return positives.length === 0 || positives.includes(value);
}

/** Whether a package (its package.json `os` and `cpu`) can run on `target`. */
export function packageRunsOn(pkg: { os?: unknown; cpu?: unknown }, target: Platform): boolean {
  const { os, cpu } = nodeTarget(target);
  return allowed(pkg.os, os) && allowed(pkg.cpu, cpu);
}

/**
 * Whether `@node-llama-cpp/<name>` is a prebuilt binary for `target` (`linux-x64`,
 * `linux-x64-cuda`, `mac-arm64-metal`), judged by name for packages not on this machine.
 */
export function isBinaryPackageFor(name: string, target: Platform): boolean {
  const prefix = '@node-llama-cpp/';
  if (!name.startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return rest === target || rest.startsWith(`${target}-`);
}
