/**
 * The daemon's end of `rbees-pool serve --stdio`: one long-lived agent process per SSH session
 * (and agent dir) answers the short read-only commands, so a `status` costs a channel message
 * instead of starting Node on the host for every call. See src/pool/agent/cli/serve.ts for the
 * protocol. Anything it cannot serve runs as a plain exec, exactly as before.
 */
import type { Client, ClientChannel } from 'ssh2';
import { RbeesError } from '../../../shared/errors';
import { LineQueue, LineSplitter } from '../../ssh';
import type { ExitStatus, OutputLine, RemoteProcess, SshSession } from '../../ssh';

/** What `serve` answers; the same list as the agent's SERVED_COMMANDS. */
const SERVED = new Set(['status', 'models list', 'worker list']);

/** True when `args` is exactly one of the served commands (extra flags go to a plain exec). */
export function isServed(args: readonly string[]): boolean {
  return SERVED.has(args.filter((arg) => arg !== '--json').join(' '));
}

interface Pending {
  args: readonly string[];
  lines: LineQueue<OutputLine>;
  /** A line was relayed: the answer can no longer be redone by a plain exec. */
  started: boolean;
  /** The agent refused the command (it serves another set): redo it by a plain exec. */
  refused: boolean;
  finish(status: ExitStatus): void;
  fail(error: RbeesError): void;
  fallback(): void;
}

interface Link {
  client: Client;
  channel: ClientChannel;
  ready: boolean;
  closed: boolean;
  pending: Map<number, Pending>;
}

/** One `serve` channel, opened on first use and again after it closed (a reconnect, a crash). */
export class AgentServe {
  private link: Promise<Link | null> | null = null;
  /** The connection whose agent has no `serve` (an older agent): plain execs until a reconnect. */
  private unsupportedOn: Client | null = null;
  private nextId = 1;

  constructor(
    private readonly session: SshSession,
    private readonly command: string,
  ) {}

  /** Runs `args` through `serve`, or through `exec()` when serve cannot answer it. */
  run(args: readonly string[], exec: () => RemoteProcess, signal?: AbortSignal): RemoteProcess {
    const lines = new LineQueue<OutputLine>();
    let settled = false;
    let resolveExit: (status: ExitStatus) => void = () => undefined;
    let rejectExit: (error: RbeesError) => void = () => undefined;
    const exit = new Promise<ExitStatus>((resolve, reject) => {
      resolveExit = resolve;
      rejectExit = reject;
    });
    exit.catch(() => undefined);
    let id = 0;
    let link: Link | null = null;
    const done = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      link?.pending.delete(id);
      return true;
    };
    const pending: Pending = {
      args,
      lines,
      started: false,
      refused: false,
      finish(status) {
        if (!done()) return;
        lines.end();
        resolveExit(status);
      },
      fail(error) {
        if (!done()) return;
        lines.end(error);
        rejectExit(error);
      },
      fallback() {
        if (!done()) return;
        void relay(exec(), lines).then(resolveExit, rejectExit);
      },
    };
    function onAbort(): void {
      // The served command is read-only and short: its late answer is just dropped.
      pending.fail(new RbeesError('CANCELLED', `rbees-pool ${args.join(' ')} was cancelled`));
    }
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    void this.open().then(
      (opened) => {
        if (settled) return;
        if (!opened || opened.closed) return pending.fallback();
        link = opened;
        id = this.nextId++;
        opened.pending.set(id, pending);
        opened.channel.write(`${JSON.stringify({ id, args })}\n`);
      },
      () => pending.fallback(), // the exec fails the same way and says why
    );
    return { lines, exit };
  }

  /** Ends the serve process (after an agent update, so the next call runs the new code). */
  readonly restart = (): void => {
    const current = this.link;
    this.link = null;
    this.unsupportedOn = null;
    void current?.then((link) => link?.channel.end()).catch(() => undefined);
  };

  private async open(): Promise<Link | null> {
    const client = await this.session.connection();
    if (this.unsupportedOn === client) return null;
    const existing = this.link;
    if (existing) {
      const link = await existing.catch(() => null);
      if (link && !link.closed && link.client === client) return link;
      if (this.link !== existing) return this.open(); // another call is opening a new one
    }
    const started = this.start(client);
    this.link = started;
    started.catch(() => {
      if (this.link === started) this.link = null;
    });
    return started;
  }

  private async start(client: Client): Promise<Link> {
    const channel = await this.session.openChannel(this.command);
    const link: Link = { client, channel, ready: false, closed: false, pending: new Map() };
    const split = new LineSplitter();
    channel.stderr.resume(); // an older agent's complaint; the exec fallback reports its own
    channel.on('data', (chunk: Buffer) => {
      for (const line of split.push(chunk)) this.onLine(link, line);
    });
    channel.on('close', () => this.onClose(link));
    return link;
  }

  private onLine(link: Link, raw: string): void {
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return; // a launcher's noise
    }
    // `null` or `5` is noise too. Reading a field of null would throw inside ssh2's packet
    // handler, which then drops the whole connection (its tunnels and running commands too).
    if (typeof reply !== 'object' || reply === null) return;
    if (!link.ready) {
      if (reply.event === 'serving') link.ready = true;
      else {
        // An agent without `serve` printed its usage error: use plain execs on this connection.
        this.unsupportedOn = link.client;
        link.channel.close();
      }
      return;
    }
    if (typeof reply.id !== 'number') return;
    const pending = link.pending.get(reply.id);
    if (!pending) return; // cancelled
    if (typeof reply.exit === 'number') {
      if (pending.refused) pending.fallback();
      else pending.finish({ code: reply.exit, signal: null });
      return;
    }
    const line = reply.line as Record<string, unknown> | undefined;
    if (!line || pending.refused) return;
    if (!pending.started && line.event === 'error' && isRefusal(line.message)) {
      pending.refused = true;
      return;
    }
    pending.started = true;
    pending.lines.push({ stream: 'stdout', line: JSON.stringify(line) });
  }

  private onClose(link: Link): void {
    link.closed = true;
    if (!link.ready) this.unsupportedOn = link.client;
    for (const pending of [...link.pending.values()]) {
      // Not a word of the answer yet: the read-only command can safely run again by exec.
      if (!pending.started) pending.fallback();
      else
        pending.fail(
          new RbeesError(
            'SSH_CONNECT_FAILED',
            `${this.session.host.name}: the connection was lost while \`rbees-pool ${pending.args.join(' ')}\` was running; its outcome is unknown`,
          ),
        );
    }
    link.pending.clear();
  }
}

function isRefusal(message: unknown): boolean {
  return typeof message === 'string' && message.startsWith('serve: ');
}

/** Copies a plain exec's output into `lines`; resolves with its exit. */
async function relay(proc: RemoteProcess, lines: LineQueue<OutputLine>): Promise<ExitStatus> {
  try {
    for await (const line of proc.lines) lines.push(line);
    lines.end();
  } catch (err) {
    lines.end(err as Error);
  }
  return proc.exit;
}

const serves = new WeakMap<SshSession, Map<string, AgentServe>>();

/** The session's serve for the agent run by `command` (one per session and agent dir). */
export function agentServe(session: SshSession, command: string): AgentServe {
  let byCommand = serves.get(session);
  if (!byCommand) serves.set(session, (byCommand = new Map<string, AgentServe>()));
  let serve = byCommand.get(command);
  if (!serve) byCommand.set(command, (serve = new AgentServe(session, command)));
  return serve;
}
