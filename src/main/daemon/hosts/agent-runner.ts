import { spawn } from 'node:child_process';
import { RbeesError } from '../../../shared/errors';
import { LineQueue, LineSplitter, poolCommand } from '../../ssh';
import { agentServe, isServed } from './agent-serve';
import type { ExitStatus, OutputLine, RemoteProcess, SshSession } from '../../ssh';

/** Started as `./rbees-pool` in the agent dir: a non-interactive SSH shell rarely has it on PATH. */
const AGENT_PROGRAM = './rbees-pool';

export interface AgentRunOptions {
  /** Aborting stops the agent command (TERM) and ends its output with CANCELLED. */
  signal?: AbortSignal;
  /** Variables for the agent (e.g. HF_ENDPOINT): sshd would not pass the daemon's own. */
  env?: Readonly<Record<string, string>>;
}

/** Runs `rbees-pool <args…> --json` on one host; the same shape for this computer and SSH hosts. */
export interface AgentRunner {
  readonly host: string;
  run(args: readonly string[], options?: AgentRunOptions): RemoteProcess;
}

function serveOf(session: SshSession, agentDir: string): ReturnType<typeof agentServe> {
  return agentServe(session, poolCommand(agentDir, ['serve', '--stdio', '--json'], AGENT_PROGRAM));
}

/** After an install swapped the agent dir: the next served call starts the new agent's code. */
export function restartAgentServe(session: SshSession, agentDir: string): void {
  serveOf(session, agentDir).restart();
}

/** A pool host's agent, over its SSH session. */
export function remoteAgent(host: string, session: SshSession, agentDir: string): AgentRunner {
  // One long-lived `serve` per session answers the short read-only commands (no Node start-up
  // per call); the rest, and requests with their own env, run as a plain exec.
  const serve = serveOf(session, agentDir);
  return {
    host,
    run(args, options = {}) {
      const exec = (): RemoteProcess =>
        session.exec(poolCommand(agentDir, [...args, '--json'], AGENT_PROGRAM, options.env), {
          ...(options.signal ? { signal: options.signal } : {}),
        });
      if (options.env === undefined && isServed(args)) {
        return serve.run(args, exec, options.signal);
      }
      const proc = exec();
      if (args[0] === 'self-update' || args[0] === 'git') {
        // The serve process runs the code it started with: the next call starts the new one.
        proc.exit.then(serve.restart, serve.restart);
      }
      return proc;
    },
  };
}

/**
 * This computer's agent: the bundled `rbees-pool.js` as a child of the daemon, with the same Node
 * (or Electron acting as Node) and the daemon's RBEES_HOME, so both see the same models.
 */
export function localAgent(bundle: string, home: string): AgentRunner {
  return {
    host: 'local',
    run(args, options = {}) {
      const child = spawn(process.execPath, [bundle, ...args, '--json'], {
        env: { ...process.env, ...options.env, RBEES_HOME: home, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
      });
      const lines = new LineQueue<OutputLine>((pause) => {
        if (pause) child.stdout.pause();
        else child.stdout.resume();
      });
      const split = { stdout: new LineSplitter(), stderr: new LineSplitter() };
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream].on('data', (chunk: Buffer) => {
          for (const line of split[stream].push(chunk)) lines.push({ stream, line });
        });
      }
      const exit = new Promise<ExitStatus>((resolve, reject) => {
        child.once('error', (err) => {
          const aborted = options.signal?.aborted === true;
          const error = aborted
            ? new RbeesError('CANCELLED', `local: rbees-pool ${args.join(' ')} was cancelled`)
            : new RbeesError('AGENT_FAILED', `local: cannot start rbees-pool: ${err.message}`);
          lines.end(error);
          reject(error);
        });
        child.once('close', (code, signal) => {
          for (const stream of ['stdout', 'stderr'] as const) {
            for (const line of split[stream].end()) lines.push({ stream, line });
          }
          lines.end();
          resolve({ code, signal });
        });
      });
      exit.catch(() => undefined);
      return { lines, exit };
    },
  };
}
