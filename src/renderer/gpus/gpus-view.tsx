import { useEffect, useState } from 'react';
import { useClusterStore } from '../cluster/use-cluster-store';
import { EmptyState } from '../ui/empty-state';
import { GpuIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';
import { HostGpus } from './host-gpus';

/** How often the charts' right edge moves: smooth enough, cheap enough. */
const TICK_MS = 1000;

/** Every GPU on every host, live from the daemon's event stream. */
export function GpusView() {
  const hosts = useClusterStore((s) => s.hosts);
  const live = useClusterStore((s) => s.live);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="page" data-testid="gpus-view">
      <ViewHeader title="GPUs" subtitle="Memory, load and temperature of every GPU in the pool." />
      {hosts.length === 0 ? (
        <EmptyState
          testId="gpus-empty"
          icon={<GpuIcon size={28} />}
          title={live === 'connecting' ? 'Connecting to the daemon…' : 'No hosts yet'}
        >
          <p>Add a host under Hosts: its GPUs appear here as soon as it answers.</p>
        </EmptyState>
      ) : (
        hosts.map((host) => <HostGpus key={host.info.name} host={host} now={now} />)
      )}
    </div>
  );
}
