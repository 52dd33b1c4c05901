import { spawn } from 'node:child_process';
import { RbeesError } from '../../../shared/errors';
import type { HostStatusResponse } from '../../../shared/hosts';
import { poolCommand } from '../../ssh';
import type { SshSession } from '../../ssh';

/** Started as `./rbees-pool` in the agent dir: a non-interactive SSH shell rarely has it on PATH. */
const AGENT_PROGRAM = './rbees-pool';

/** Bounds a local agent that hangs (e.g. on a stuck GPU probe) so that the request still ends. */
const LOCAL_TIMEOUT_MS = 60_000;

interface AgentRun {
  stdout: string[];
  stderr: string[];
  exitCode: number | null;
}

/** Reads the agent's output: its terminal JSON line is either the status or an error. */
export function parseStatus(host: string, run: AgentRun): HostStatusResponse {
  let last: Record<string, unknown> | null = null;
  for (const line of run.stdout) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && 'event' in value) {
        last = value;
      }
    } catch {
      // A line that is not JSON (a launcher's noise) is not the agent's answer.
    }
  }
  if (last?.event === 'status' && run.exitCode === 0) return last as unknown as HostStatusResponse; // The agent is the contract's writer.
  const message =
    last?.event === 'error' && typeof last.message === 'string'
      ? last.message
      : (run.stderr.find((line) => line.trim() !== '') ??
        `exited with ${String(run.exitCode)} without a status line`);
  const shellHint = run.exitCode === 127 ? ' (is rbees-pool installed in the agent dir?)' : '';
  throw new RbeesError(
    'AGENT_FAILED',
    `${host}: rbees-pool status failed: ${message}${shellHint}`,
    {
      host,
      exit_code: run.exitCode,
      ...(last?.event === 'error' ? { agent_code: last.code } : {}),
    },
  );
}

/** `rbees-pool status --json` over the host's SSH session. */
export async function remoteStatus(
  host: string,
  session: SshSession,
  agentDir: string,
): Promise<HostStatusResponse> {
  const proc = session.exec(poolCommand(agentDir, ['status', '--json'], AGENT_PROGRAM));
  const run: AgentRun = { stdout: [], stderr: [], exitCode: null };
  for await (const { stream, line } of proc.lines) run[stream].push(line);
  const exit = await proc.exit;
  run.exitCode = exit.code;
  return parseStatus(host, run);
}

/** The bundled agent as a child of the daemon, with the same Node (or Electron acting as Node). */
export function localStatus(agentBundle: string): Promise<HostStatusResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [agentBundle, 'status', '--json'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: LOCAL_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (err) =>
      reject(new RbeesError('AGENT_FAILED', `local: cannot start rbees-pool: ${err.message}`)),
    );
    child.once('close', (code) => {
      try {
        resolve(
          parseStatus('local', {
            stdout: stdout.split('\n').filter((l) => l !== ''),
            stderr: stderr.split('\n'),
            exitCode: code,
          }),
        );
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
