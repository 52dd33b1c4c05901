import { homedir } from 'node:os';
import { join } from 'node:path';
import { RbeesError } from '../../../shared/errors';
import type { HostInfo, HostStatusResponse } from '../../../shared/hosts';
import type { AddHostRequest } from '../../../shared/host-schemas';
import { DEFAULT_AGENT_DIR } from '../../cli/connection-args';
import { hostOptions } from '../../cli/host-target';
import { SshSession } from '../../ssh';
import type { SshHostOptions } from '../../ssh';
import { StatusLineSchema } from '../../../shared/status-schemas';
import { agentAnswer } from './agent-calls';
import { localAgent, remoteAgent } from './agent-runner';
import type { AgentRunner } from './agent-runner';
import type { HostRecord, HostsTable } from '../store/hosts-table';

export const LOCAL_HOST = 'local';

/** A host added (or its connection state changed), or removed. */
export type HostChange = { type: 'host'; info: HostInfo } | { type: 'removed'; name: string };

export interface HostRegistryOptions {
  /** `$RBEES_HOME`: the known_hosts that trusted keys are saved to. */
  home: string;
  /** Where the remote hosts are kept (the store's table). */
  hosts: HostsTable;
  /** Where the bundled agent `rbees-pool.js` is, for the `local` host. */
  bundleDir: string;
  /** `RBEES_SSH_KNOWN_HOSTS` replaces ~/.ssh/known_hosts (tests, or a separate trust store). */
  env?: NodeJS.ProcessEnv;
  /**
   * Seconds between SSH keepalives (RBEES_HEARTBEAT_S): a host that answers none of 3 in a row
   * is offline, and its workers get no new jobs until it is back.
   */
  heartbeatS?: number;
  /** Builds a session's options (tests may replace it). */
  resolveOptions?: (record: HostRecord) => Promise<SshHostOptions>;
}

/** `~/x` → the daemon user's home: a path typed in the UI is not expanded by any shell. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The pool hosts: `local` (this computer, always there) and the remote ones in the store, each
 * with one SSH session opened lazily on first use and closed when the host is removed.
 */
export class HostRegistry {
  private records: HostRecord[] = [];
  private readonly sessions = new Map<string, SshSession>();
  /** Sessions being built (resolving ~/.ssh/config): one per host even under parallel requests. */
  private readonly pending = new Map<string, Promise<SshSession>>();
  /** Serialises writes so that two requests never save from the same stale list. */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly listeners = new Set<(change: HostChange) => void>();

  constructor(private readonly options: HostRegistryOptions) {}

  load(): void {
    this.records = this.options.hosts.list();
  }

  list(): HostInfo[] {
    const local: HostInfo = {
      name: LOCAL_HOST,
      spec: LOCAL_HOST,
      agent_dir: this.options.bundleDir,
      state: 'local',
    };
    return [local, ...this.records.map((record) => this.info(record))];
  }

  info(record: HostRecord): HostInfo {
    const status = this.sessions.get(record.name)?.status;
    // A closed session is one being removed: the host is as good as never connected.
    const state = !status || status.state === 'closed' ? 'idle' : status.state;
    return {
      name: record.name,
      spec: record.spec,
      agent_dir: record.agent_dir,
      state,
      ...(status?.reason ? { reason: status.reason.message, reason_code: status.reason.code } : {}),
    };
  }

  add(request: AddHostRequest): Promise<HostInfo> {
    return this.serialised(async () => {
      if (request.name === LOCAL_HOST || this.find(request.name)) {
        throw new RbeesError(
          'BAD_REQUEST',
          `name: a host named "${request.name}" already exists; pick another name`,
          { fields: ['name'] },
        );
      }
      const record: HostRecord = {
        name: request.name,
        spec: request.spec,
        ...(request.identity_file !== undefined ? { identity_file: request.identity_file } : {}),
        agent_dir: request.agent_dir ?? DEFAULT_AGENT_DIR,
      };
      this.options.hosts.add(record);
      this.records = [...this.records, record];
      this.tell({ type: 'host', info: this.info(record) });
      return this.info(record);
    });
  }

  remove(name: string): Promise<void> {
    return this.serialised(async () => {
      this.get(name);
      this.options.hosts.remove(name);
      this.records = this.records.filter((r) => r.name !== name);
      await this.dropSession(name);
      this.tell({ type: 'removed', name });
    });
  }

  /** Calls `listener` when a host is added or removed, or its connection state changes. */
  onChange(listener: (change: HostChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Opens every host's session in the background (at start-up): hosts show their real state at
   * once, and their workers can be routed to. A failure is the host's state, not an exception.
   */
  connectAll(): void {
    for (const record of this.records) this.connect(record.name).catch(() => undefined);
  }

  /** Connects now; an unknown host key rejects with SSH_HOSTKEY_UNKNOWN and its fingerprint. */
  async connect(name: string): Promise<HostInfo> {
    if (name === LOCAL_HOST) return this.list()[0] as HostInfo;
    const record = this.get(name);
    await (await this.session(record)).connect();
    return this.info(record);
  }

  /** Trusts the key only if it has exactly `fingerprint` (saved to $RBEES_HOME/known_hosts). */
  async trust(name: string, fingerprint: string): Promise<HostInfo> {
    if (name === LOCAL_HOST) {
      throw new RbeesError('BAD_REQUEST', 'local: this computer has no host key to trust');
    }
    const record = this.get(name);
    await (await this.session(record)).trust(fingerprint);
    return this.info(record);
  }

  async status(name: string): Promise<HostStatusResponse> {
    // Parsed with the contract: its workers as fit to show, so that no secret gets by.
    return agentAnswer(await this.agent(name), ['status'], StatusLineSchema);
  }

  /** The host's agent: this computer's bundled one, or the one in the host's agent dir. */
  async agent(name: string): Promise<AgentRunner> {
    if (name === LOCAL_HOST) {
      return localAgent(join(this.options.bundleDir, 'rbees-pool.js'), this.options.home);
    }
    const record = this.get(name);
    return remoteAgent(name, await this.session(record), record.agent_dir);
  }

  /** Where a remote host's agent lives. */
  agentDirOf(name: string): string {
    return this.get(name).agent_dir;
  }

  /** A remote host's SSH session (for SFTP and tunnels); `local` has none. */
  async sessionOf(name: string): Promise<SshSession> {
    return this.session(this.get(name));
  }

  /** Ends every session; the registry takes no more work. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.pending.values());
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }

  private find(name: string): HostRecord | undefined {
    return this.records.find((record) => record.name === name);
  }

  private get(name: string): HostRecord {
    if (name === LOCAL_HOST) {
      throw new RbeesError(
        'BAD_REQUEST',
        'local: this computer is always a host; it cannot be removed',
      );
    }
    const record = this.find(name);
    if (!record) throw new RbeesError('NOT_FOUND', `No host named "${name}".`);
    return record;
  }

  private session(record: HostRecord): Promise<SshSession> {
    const existing = this.sessions.get(record.name);
    if (existing) return Promise.resolve(existing);
    const building = this.pending.get(record.name);
    if (building) return building;
    const made = this.build(record).finally(() => this.pending.delete(record.name));
    this.pending.set(record.name, made);
    return made;
  }

  private async build(record: HostRecord): Promise<SshSession> {
    const options = await (this.options.resolveOptions ?? ((r) => this.sshOptions(r)))(record);
    const { heartbeatS } = this.options;
    const session = new SshSession(
      options,
      // ssh2 gives up on the ping after countMax unanswered ones: 2 → offline after 3 missed.
      heartbeatS
        ? { timings: { keepaliveIntervalMs: heartbeatS * 1000, keepaliveCountMax: 2 } }
        : {},
    );
    // Removed or shut down while ~/.ssh/config was read: the session must not outlive it.
    if (this.closed || this.find(record.name) !== record) {
      await session.close();
      throw new RbeesError('NOT_FOUND', `No host named "${record.name}" (it was just removed).`);
    }
    this.sessions.set(record.name, session);
    session.onState(() => {
      if (this.find(record.name) === record) this.tell({ type: 'host', info: this.info(record) });
    });
    return session;
  }

  private async sshOptions(record: HostRecord): Promise<SshHostOptions> {
    const env = this.options.env ?? process.env;
    const knownHosts = env.RBEES_SSH_KNOWN_HOSTS;
    const options = await hostOptions(
      {
        host: record.spec,
        agentDir: record.agent_dir,
        json: true,
        ...(record.identity_file !== undefined
          ? { identity: expandHome(record.identity_file) }
          : {}),
        ...(knownHosts ? { knownHosts: expandHome(knownHosts) } : {}),
      },
      { ...env, RBEES_HOME: this.options.home },
    );
    // Messages start with the host's name: the one the user gave it in the UI.
    return { ...options, name: record.name };
  }

  private async dropSession(name: string): Promise<void> {
    await this.pending.get(name)?.catch(() => undefined);
    const session = this.sessions.get(name);
    this.sessions.delete(name);
    await session?.close();
  }

  private tell(change: HostChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }
}
