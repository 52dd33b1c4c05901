import { canServe } from '../../shared/hosts';
import { useEffect } from 'react';
import type { HostView } from '../../shared/events';
import { useAppStore } from '../app/use-app-store';
import { formatBytes } from '../ui/format';
import { FolderIcon, HostsIcon, TrashIcon } from '../ui/icons';
import { agentHealth, archName, canConnect, gpuNames, gpuVendors, stateBadge } from './host-facts';
import { hostNotice, NoticeLine } from './host-notice';
import { connectHost, installAgent, loadAgentVersion } from './host-actions';
import { useHostsStore } from './use-hosts-store';

interface HostCardProps {
  view: HostView;
  now: number;
}

/** One machine at a glance: how it is reached, what it has, and what to do about it. */
export function HostCard({ view, now }: HostCardProps) {
  const { name, spec, state, agent_dir: agentDir } = view.info;
  const awaitingTrust = useHostsStore((s) => s.trust?.host === name);
  const busy = useHostsStore((s) => s.busy[name]) ?? (awaitingTrust ? 'awaiting-trust' : undefined);
  const error = useHostsStore((s) => s.errors[name]);
  const version = useHostsStore((s) => s.agents[name]);
  const setConfirmRemove = useHostsStore((s) => s.setConfirmRemove);
  const setView = useAppStore((s) => s.setView);
  const local = state === 'local';
  const status = view.status;
  const badge = stateBadge(state);
  const agent = agentHealth(view);
  const notice = hostNotice(view, now, busy, error, version);
  const outdated = version?.state === 'outdated' && agent.kind === 'ok';
  const keyChanged = state === 'offline' && view.info.reason_code === 'SSH_HOSTKEY_MISMATCH';
  const hasStatus = status !== null;
  // Asked again whenever the host comes (back) online: a reconnect may follow a reinstall.
  useEffect(() => {
    if (!local && state === 'online' && hasStatus) void loadAgentVersion(name);
  }, [local, state, hasStatus, name]);
  const gpus = status ? gpuNames(status.gpus) : [];
  const readyWorkers = view.workers.filter((w) => w.status === 'ready').length;

  return (
    <article
      className="host-card"
      data-testid="host-card"
      data-host={name}
      data-state={state}
      data-agent={version?.state}
      aria-label={local ? 'This computer' : `Host ${name}`}
    >
      <header className="host-head">
        <span className={`card-icon${canServe(view.info) ? '' : ' muted'}`}>
          <HostsIcon size={20} />
        </span>
        <div className="host-title">
          <h2 className="card-title">{local ? 'This computer' : name}</h2>
          <p className="host-spec" title={local ? undefined : spec}>
            {local ? (status?.hostname ?? 'Runs models here, no SSH') : <code>{spec}</code>}
          </p>
        </div>
        <span className={`badge host-badge ${badge.tone}`} data-testid="host-state">
          {badge.label}
        </span>
      </header>

      <NoticeLine notice={notice} />

      <dl className="host-facts">
        <Fact
          label="System"
          value={status?.os}
          sub={status ? `${archName(status.arch)} · ${status.kernel}` : null}
        />
        <Fact
          label="CPU"
          value={status ? `${status.cpu.cores} cores` : null}
          sub={status?.cpu.model}
        />
        <Fact
          label="Memory"
          value={status ? formatBytes(status.memory.total_bytes) : null}
          sub={status ? `${formatBytes(status.memory.free_bytes)} free` : null}
        />
        <Fact
          label="GPUs"
          value={status ? String(status.gpus.length) : null}
          sub={status ? gpuVendors(status.gpus) : null}
          testId="host-gpu-count"
        />
        <Fact
          label="Models"
          value={status ? String(status.models.length) : null}
          sub={status?.disk ? `${formatBytes(status.disk.free_bytes)} disk free` : null}
          testId="host-models-count"
        />
        <Fact
          label="Workers"
          value={status ? String(view.workers.length) : null}
          sub={status ? (view.workers.length ? `${readyWorkers} ready` : 'none running') : null}
          testId="host-workers-count"
        />
      </dl>

      <ul className="host-gpus" aria-label={`GPUs of ${name}`} data-testid="host-gpus">
        {gpus.map((gpu) => (
          <li key={gpu}>{gpu}</li>
        ))}
        {status && gpus.length === 0 ? <li className="none">No GPU found</li> : null}
      </ul>

      <footer className="host-foot">
        <span className="host-agent-dir" title={local ? agentDir : `Agent folder: ${agentDir}`}>
          <FolderIcon size={14} />
          <code>{local ? 'bundled agent' : agentDir}</code>
        </span>
        <div className="host-actions">
          {local ? (
            <button type="button" className="ghost-button" onClick={() => setView('models')}>
              Models
            </button>
          ) : null}
          {!local && canConnect(state) ? (
            <button
              type="button"
              className={keyChanged ? 'button danger' : 'button primary'}
              disabled={busy !== undefined}
              onClick={() => void connectHost(name, spec)}
            >
              {busy === 'connecting' ? 'Connecting…' : keyChanged ? 'Review key change' : 'Connect'}
            </button>
          ) : null}
          {!local && state === 'online' && agent.kind === 'missing' ? (
            <button
              type="button"
              className="button primary"
              onClick={() => void installAgent(name, false)}
            >
              Install agent
            </button>
          ) : null}
          {!local && state === 'online' && agent.kind !== 'missing' ? (
            <button
              type="button"
              className={agent.kind === 'failed' || outdated ? 'button primary' : 'ghost-button'}
              onClick={() => void installAgent(name, true)}
            >
              Update agent
            </button>
          ) : null}
          {!local ? (
            <button
              type="button"
              className="ghost-button host-remove"
              disabled={busy !== undefined}
              onClick={() => setConfirmRemove(name)}
            >
              <TrashIcon size={15} />
              Remove
            </button>
          ) : null}
        </div>
      </footer>
    </article>
  );
}

interface FactProps {
  label: string;
  value: string | null | undefined;
  sub: string | null | undefined;
  testId?: string;
}

/** A figure with a one-line note; both keep their height while the value is unknown. */
function Fact({ label, value, sub, testId }: FactProps) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} title={value ?? undefined}>
        {value ?? '—'}
      </dd>
      <span className="host-fact-sub" title={sub ?? undefined}>
        {sub ?? ' '}
      </span>
    </div>
  );
}
