/**
 * What the installer runs on the host, each as one SSH exec: the probe, the unpack (fed the
 * payload on stdin, so one channel carries it), the check of the new dir, and the swap.
 */
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { RbeesError } from '../../shared/errors';
import { AGENT_DIR, idProblem } from '../../shared/ids';
import { quoteDir, shellQuote } from '../ssh';
import type { SshSession } from '../ssh';
import { guard, notOwned, ownProbe, paths } from './agent-dir';
import type { Which } from './agent-dir';

export const MIN_NODE_MAJOR = 20;

export interface Probe {
  uname: string;
  /** `v22.3.0`, or null when `node` is not on the host's PATH. */
  node: string | null;
  /** Free bytes where the agent dir goes. */
  freeBytes: number | null;
  /** The VERSION of the agent installed there, if any. */
  installed: string | null;
  /** The agent dir and its `.new`/`.old` siblings that hold files not of rbees' agent. */
  notOwned: Which[];
}

/** Output of a finished exec; `code` null when a signal ended it. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command`, collecting its output (small outputs only). */
export async function capture(session: SshSession, command: string): Promise<ExecResult> {
  const proc = session.exec(command);
  const out: string[] = [];
  const err: string[] = [];
  for await (const { stream, line } of proc.lines) (stream === 'stdout' ? out : err).push(line);
  const { code } = await proc.exit;
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/**
 * Refuses dirs whose `.new`/`.old` siblings or removal could hit something else: the agent dir
 * rule the daemon and the CLI check on input, again here for hosts saved before it existed.
 */
export function checkAgentDir(dir: string): string {
  const clean = dir.replace(/\/+$/, '');
  if (!AGENT_DIR.pattern.test(clean)) {
    throw new RbeesError('BAD_REQUEST', idProblem(AGENT_DIR, dir), {
      agent_dir: dir,
    });
  }
  return clean;
}

const ALL: readonly Which[] = ['live', 'new', 'old'];

/** `live=…; new=…; old=…`: the agent dir and its siblings as the installer's scripts name them. */
function dirVars(dir: string): string {
  const p = paths(dir);
  return `live=${quoteDir(p.live)}; new=${quoteDir(p.new)}; old=${quoteDir(p.old)}`;
}

export function probeCommand(dir: string): string {
  const parent = quoteDir(posix.dirname(dir));
  return [
    dirVars(dir),
    'echo "uname=$(uname -sm)"',
    'echo "node=$(node --version 2>/dev/null)"',
    `echo "installed=$(cat ${quoteDir(`${dir}/VERSION`)} 2>/dev/null)"`,
    ownProbe(ALL),
    `mkdir -p ${parent} && echo "free_kb=$(df -Pk ${parent} | awk 'NR==2{print $4}')"`,
  ].join('; ');
}

export function parseProbe(stdout: string): Probe {
  const field = (name: string): string =>
    stdout.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]?.trim() ?? '';
  const freeKb = Number.parseInt(field('free_kb'), 10);
  return {
    uname: field('uname'),
    node: field('node') || null,
    freeBytes: Number.isFinite(freeKb) ? freeKb * 1024 : null,
    installed: field('installed') || null,
    notOwned: notOwned(stdout, ALL),
  };
}

/** What `GET /api/hosts/:name/agent` needs from the host: one short exec, no Node start. */
export function versionCommand(dir: string): string {
  return [
    'echo "uname=$(uname -sm)"',
    `echo "installed=$(cat ${quoteDir(`${dir}/VERSION`)} 2>/dev/null)"`,
    `if [ -x ${quoteDir(`${dir}/rbees-pool`)} ]; then echo agent=yes; else echo agent=no; fi`,
  ].join('; ');
}

export interface InstalledAgent {
  uname: string;
  /** The VERSION the installer left, null when there is none (not installed by rbees). */
  installed: string | null;
  /** Whether `rbees-pool` is there at all. */
  present: boolean;
}

export function parseVersionProbe(stdout: string): InstalledAgent {
  const probe = parseProbe(stdout);
  return {
    uname: probe.uname,
    installed: probe.installed,
    present: /^agent=yes$/m.test(stdout),
  };
}

/** Node >= 20 on the host's PATH, as the launcher runs `node` from there. */
export function checkNode(host: string, node: string | null): void {
  const fix =
    `install Node.js ${MIN_NODE_MAJOR} or newer on ${host} so that \`node\` is on the PATH of ` +
    'non-interactive SSH sessions (e.g. the distribution package or nodejs.org binaries in ' +
    '/usr/local/bin; nvm-only installs are not on that PATH), then run the install again';
  if (node === null) {
    throw new RbeesError('NOT_FOUND', `${host}: no \`node\` found — ${fix}`, { host });
  }
  const major = Number(/^v(\d+)\./.exec(node)?.[1]);
  if (!(major >= MIN_NODE_MAJOR)) {
    throw new RbeesError('BAD_REQUEST', `${host}: node ${node} is too old — ${fix}`, {
      host,
      node,
    });
  }
}

/**
 * Unpacks stdin into `<dir>.new` (emptied first, if it is ours to empty); the live dir is
 * untouched. The payload lists package.json first, so even a cut unpack leaves `.new` marked.
 */
export function unpackCommand(dir: string): string {
  return (
    `set -e; ${dirVars(dir)}; ${guard(['new'])}; ` +
    'rm -rf "$new"; mkdir -p "$new"; tar -C "$new" -xzf -; test -x "$new/rbees-pool"'
  );
}

/**
 * Checks the unpacked agent before it replaces anything: the agent starts, node-llama-cpp loads
 * and its prebuilt binary for this host loads (CPU only, no build: a mismatch fails here).
 */
export function checkNewCommand(dir: string): string {
  const script =
    "const {getLlama}=await import('node-llama-cpp');" +
    "const l=await getLlama({gpu:false,build:'never',progressLogs:false,logLevel:'error'});" +
    "console.log('llama=ok');await l.dispose();";
  // A file, not `node -e`: node-llama-cpp tests its binary in a child that reuses execArgv.
  return (
    `cd ${quoteDir(`${dir}.new`)} && ./rbees-pool --help >/dev/null && ` +
    `printf '%s\\n' ${shellQuote(script)} > .install-check.mjs && ` +
    'node .install-check.mjs; rc=$?; rm -f .install-check.mjs; exit $rc'
  );
}

/**
 * Replaces the live dir by the new one with two renames; a failed unpack never got here. Whether
 * the live dir and `.old` may go is decided here, on the host, as they are moved.
 */
export function swapCommand(dir: string): string {
  return (
    `set -e; ${dirVars(dir)}; ${guard(['live', 'old'])}; ` +
    'rm -rf "$old"; if [ -e "$live" ] || [ -L "$live" ]; then mv "$live" "$old"; fi; ' +
    'mv "$new" "$live"; rm -rf "$old"'
  );
}

/** Feeds `payload` to `command`'s stdin on its own channel; resolves with the bytes sent. */
export async function execWithStdin(
  session: SshSession,
  command: string,
  payload: Readable,
  signal?: AbortSignal,
): Promise<{ result: ExecResult; bytes: number }> {
  // Held before the first await: Node discards what a child process printed to a stdout nobody
  // reads when it exits (child_process flushStdio), so a small payload's tar that is done before
  // the channel opens would otherwise arrive as an empty stream (the remote gzip: "unexpected end
  // of file"). The PassThrough keeps it, and backpressure still reaches the source.
  const held = payload.pipe(new PassThrough());
  payload.on('error', (err: Error) => held.destroy(err));
  // The session's own channel opener: the one place that makes a command safe for any login shell.
  let channel: Awaited<ReturnType<SshSession['openChannel']>>;
  try {
    channel = await session.openChannel(command);
  } catch (err) {
    payload.destroy();
    throw err;
  }
  let bytes = 0;
  let stdout = '';
  let stderr = '';
  let code: number | null = null;
  let failure: Error | null = null;
  held.on('data', (chunk: Buffer) => (bytes += chunk.length));
  // A remote tar that dies early closes the channel under the pipe: that is an exit code to
  // report, not an unhandled 'error' event.
  channel.on('error', (err: Error) => (failure ??= err));
  held.on('error', (err: Error) => (failure ??= err));
  channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  channel.on('exit', (c: number | null) => (code = c));
  const onAbort = (): void => {
    channel.signal('TERM');
    channel.close();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  held.pipe(channel);
  try {
    await new Promise<void>((resolve) => channel.once('close', () => resolve()));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    held.unpipe(channel);
    // Ends the local tar too (EPIPE) when the remote side stopped reading first.
    payload.destroy();
    held.destroy();
  }
  if (signal?.aborted) throw new RbeesError('CANCELLED', `${session.host.name}: install cancelled`);
  if (code === null && failure !== null) {
    throw new RbeesError(
      'SSH_CONNECT_FAILED',
      `${session.host.name}: sending the agent failed: ${(failure as Error).message}`,
    );
  }
  return { result: { code, stdout, stderr }, bytes };
}
