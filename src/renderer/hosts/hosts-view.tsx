import { canServe } from '../../shared/hosts';
import { useEffect, useState } from 'react';
import type { HostView } from '../../shared/events';
import { isMac } from '../api/connection';
import { useClusterStore } from '../cluster/use-cluster-store';
import { DropZone } from '../models/upload/drop-zone';
import { EmptyState } from '../ui/empty-state';
import { HostsIcon, PlusIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';
import { AddHostDialog } from './add-host-dialog';
import { HostCard } from './host-card';
import { acceptsDrops } from './host-facts';
import { InstallDialog } from './install-dialog';
import { KeyChangeDialog } from './key-change-dialog';
import { RemoveDialog } from './remove-dialog';
import { TrustDialog } from './trust-dialog';
import { useHostsStore } from './use-hosts-store';
import './hosts.css';
import './host-dialogs.css';

/** Ages on the cards ("updated 20 s ago") move on without polling the daemon. */
const TICK_MS = 5000;

/** The cluster at a glance: every machine, how it is connected, and what it brings. */
export function HostsView() {
  const hosts = useClusterStore((s) => s.hosts);
  const live = useClusterStore((s) => s.live);
  const { addOpen, trust, keyChange, confirmRemove, install, openAdd } = useHostsStore();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  // This computer first, the others in the order they were added.
  const sorted = [...hosts].sort(
    (a, b) => Number(b.info.state === 'local') - Number(a.info.state === 'local'),
  );
  const remote = hosts.filter((h) => h.info.state !== 'local');
  const addButton = (
    <button
      type="button"
      className="button primary"
      onClick={openAdd}
      aria-label="Add host"
      aria-keyshortcuts="Control+Shift+H"
    >
      <PlusIcon size={16} />
      Add host
      <kbd className="button-kbd">{isMac() ? '⇧⌘H' : 'Ctrl+Shift+H'}</kbd>
    </button>
  );

  return (
    <div className="page" data-testid="hosts-view">
      <ViewHeader title="Hosts" subtitle={<Summary hosts={hosts} />} actions={addButton} />
      {hosts.length === 0 ? (
        <EmptyState
          testId="hosts-empty"
          icon={<HostsIcon size={28} />}
          title={live === 'connecting' ? 'Connecting to the daemon…' : 'Waiting for the daemon'}
        >
          <p>The machines of your cluster appear here as soon as the rbees daemon answers.</p>
        </EmptyState>
      ) : (
        <ul className="host-grid" aria-label="Hosts">
          {sorted.map((view) => (
            <li
              key={view.info.name}
              className="host-tile"
              data-dropzone={acceptsDrops(view.info.state) || undefined}
            >
              {acceptsDrops(view.info.state) ? (
                <DropZone host={view.info.name}>
                  <HostCard view={view} now={now} />
                </DropZone>
              ) : (
                <HostCard view={view} now={now} />
              )}
            </li>
          ))}
          {remote.length === 0 ? <AddPlaceholder onAdd={openAdd} /> : null}
        </ul>
      )}
      {addOpen ? <AddHostDialog /> : null}
      {trust ? <TrustDialog request={trust} /> : null}
      {keyChange ? <KeyChangeDialog request={keyChange} /> : null}
      {confirmRemove ? <RemoveDialog host={confirmRemove} /> : null}
      {install ? <InstallDialog run={install} /> : null}
    </div>
  );
}

/** "3 hosts · 2 online · 9 GPUs": the cluster in one line. */
function Summary({ hosts }: { hosts: HostView[] }) {
  if (hosts.length === 0) return <>The machines whose GPUs rbees pools together.</>;
  const online = hosts.filter((h) => canServe(h.info)).length;
  const gpus = hosts.reduce((n, h) => n + (h.status?.gpus.length ?? 0), 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    <span data-testid="hosts-summary">
      {plural(hosts.length, 'host')} · {online} online · {plural(gpus, 'GPU')}
    </span>
  );
}

/** The empty state for a one-machine cluster: what adding a host takes. */
function AddPlaceholder({ onAdd }: { onAdd: () => void }) {
  return (
    <li className="host-tile host-placeholder" data-testid="hosts-add-placeholder">
      <span className="card-icon muted">
        <PlusIcon size={20} />
      </span>
      <h2 className="card-title">Add the other machines of your lab</h2>
      <p>
        rbees reaches them over SSH: it needs only an address it can log in to (an alias of your{' '}
        <code>~/.ssh/config</code> will do) and installs its agent there for you. Their GPUs then
        join the pool.
      </p>
      <button type="button" className="button" onClick={onAdd}>
        <PlusIcon size={16} />
        Add a host…
      </button>
    </li>
  );
}
