import { useEffect, useState } from 'react';
import type { HostView } from '../../shared/events';
import { canServe } from '../../shared/hosts';
import type { ModelDetails } from '../../shared/pool-status';
import { describeError } from '../api/error-text';
import { useClusterStore } from '../cluster/use-cluster-store';
import { CopyButton } from '../ui/copy-button';
import { HostStateBadge } from '../ui/host-state-badge';
import { HostSectionHead } from '../ui/host-section-head';
import { RefreshIcon } from '../ui/icons';
import { DeleteDialog } from './delete-dialog';
import { DownloadForm } from './download-form';
import { DownloadList } from './download-row';
import { hostInSentence, hostLabel } from './host-label';
import { ModelTable } from './model-table';
import { DropZone } from './upload/drop-zone';
import { emptyHostModels, useHostModelsStore } from './use-host-models-store';

/** One host: its models, its downloads, a download form, and a drop zone for .gguf files. */
export function HostModelsSection({ host }: { host: HostView }) {
  const name = host.info.name;
  const label = hostLabel(name);
  const inSentence = hostInSentence(name);
  const reachable = canServe(host.info);
  const version = useClusterStore((s) => s.modelsVersion[name] ?? 0);
  const list = useHostModelsStore((s) => s.byHost[name]) ?? emptyHostModels();
  const load = useHostModelsStore((s) => s.load);
  const [deleting, setDeleting] = useState<ModelDetails | null>(null);

  // Read when the host becomes reachable and whenever its folder changed; never polled.
  useEffect(() => {
    if (reachable) void load(name);
  }, [reachable, version, name, load]);

  return (
    <section
      className="host-section"
      data-testid="host-models"
      data-host={name}
      aria-label={`Models on ${inSentence}`}
    >
      <HostSectionHead
        name={label}
        sub={
          list.modelsDir ? (
            <span className="host-models-dir">
              <code title={list.modelsDir}>{list.modelsDir}</code>
              <CopyButton text={list.modelsDir} label="Copy path" />
            </span>
          ) : (
            <span>{name === 'local' ? 'this computer' : host.info.spec}</span>
          )
        }
      >
        {reachable ? (
          <button
            type="button"
            className="icon-button"
            aria-label={`Re-read the models of ${inSentence}`}
            title="Re-read the models folder"
            disabled={list.loading}
            onClick={() => void load(name)}
          >
            <RefreshIcon size={15} className={list.loading ? 'spin' : undefined} />
          </button>
        ) : null}
        <HostStateBadge state={host.info.state} localLabel="Local" />
      </HostSectionHead>

      {reachable ? (
        <DropZone host={name} onInstalled={() => void load(name)}>
          <div className="card host-models-card">
            <DownloadForm host={name} />
            <DownloadList host={host} />
            {list.error ? (
              <p className="form-error" role="alert">
                Could not read the models of {inSentence}: {describeError(list.error)}
              </p>
            ) : null}
            <ModelTable host={host} list={list} onDelete={setDeleting} />
          </div>
        </DropZone>
      ) : (
        <Unreachable host={host} />
      )}
      {deleting ? (
        <DeleteDialog host={name} model={deleting} onClose={() => setDeleting(null)} />
      ) : null}
    </section>
  );
}

function Unreachable({ host }: { host: HostView }) {
  const { name, state, reason } = host.info;
  const why =
    state === 'offline'
      ? `${name} is offline${reason ? `: ${reason}` : '.'}`
      : state === 'idle'
        ? `${name} is not connected.`
        : `Connecting to ${name}…`;
  return (
    <div className="card host-models-card host-models-away" data-testid="host-models-away">
      <p className="host-models-away-title">{why}</p>
      <p className="host-models-away-text">
        Its models, downloads and drop zone show here once it is online. Downloads already running
        there keep going meanwhile.
      </p>
    </div>
  );
}
