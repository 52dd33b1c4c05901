import { useClusterStore } from '../cluster/use-cluster-store';
import { EmptyState } from '../ui/empty-state';
import { ModelsIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';
import { HostModelsSection } from './host-models';
import './models.css';

/** Every host's models, downloads and drop zone, this computer first. */
export function ModelsView() {
  const hosts = useClusterStore((s) => s.hosts);
  const live = useClusterStore((s) => s.live);
  const ordered = [...hosts].sort(
    (a, b) => Number(b.info.name === 'local') - Number(a.info.name === 'local'),
  );
  return (
    <div className="page models-page" data-testid="models-view">
      <ViewHeader
        title="Models"
        subtitle="GGUF models on each host: what their headers say, and whether they fit its GPUs."
      />
      {hosts.length === 0 ? (
        <EmptyState
          testId="models-empty"
          icon={<ModelsIcon size={28} />}
          title={live === 'connecting' ? 'Connecting to the daemon…' : 'No hosts yet'}
        >
          <p>Add a host under Hosts: its models appear here as soon as it answers.</p>
        </EmptyState>
      ) : (
        ordered.map((host) => <HostModelsSection key={host.info.name} host={host} />)
      )}
    </div>
  );
}
