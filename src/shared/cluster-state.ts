import type { ClusterEvent, ClusterSnapshot, DownloadView, HostSample, HostView } from './events';
import { HISTORY_MS } from './events';
import type { HostInfo } from './hosts';
import type { DownloadEvent } from './pool-status';

/**
 * The one reducer of cluster events: the daemon keeps its state with it (and sends that state
 * as `snapshot`), the UI's store applies the same events to its copy. Pure and immutable: an
 * unchanged host keeps its object, so React re-renders only what changed.
 */
export function applyClusterEvent(state: ClusterSnapshot, event: ClusterEvent): ClusterSnapshot {
  switch (event.type) {
    case 'snapshot':
      return event.data;
    case 'host':
      return upsert(state, event.data.name, (view) => ({
        ...(view ?? emptyView(event.data)),
        info: event.data,
      }));
    case 'host_removed':
      return { hosts: state.hosts.filter((h) => h.info.name !== event.data.host) };
    case 'host_status': {
      const { host, at, status, sample } = event.data;
      return update(state, host, (view) => ({
        ...view,
        status,
        status_at: at,
        status_error: null,
        workers: status.workers,
        history: withSample(view.history, sample),
      }));
    }
    case 'host_status_error':
      return update(state, event.data.host, (view) => ({
        ...view,
        status_at: event.data.at,
        status_error: event.data.error,
      }));
    case 'workers':
      return update(state, event.data.host, (view) => ({ ...view, workers: event.data.workers }));
    case 'worker_rate':
      return update(state, event.data.host, (view) => ({
        ...view,
        worker_rates: { ...view.worker_rates, [event.data.worker]: event.data.tokens_per_sec },
      }));
    case 'models_changed':
    case 'job': // jobs are not cluster state: GET /v2/tasks lists them
      return state;
    case 'downloads':
      return update(state, event.data.host, (view) => ({
        ...view,
        downloads: event.data.downloads,
      }));
    case 'download':
      return update(state, event.data.host, (view) => ({
        ...view,
        downloads: withDownload(view.downloads, event.data.id, event.data.event),
      }));
  }
}

export function emptyView(info: HostInfo): HostView {
  return {
    info,
    status: null,
    status_at: null,
    status_error: null,
    workers: [],
    worker_rates: {},
    downloads: [],
    history: [],
  };
}

function upsert(
  state: ClusterSnapshot,
  name: string,
  change: (view: HostView | undefined) => HostView,
): ClusterSnapshot {
  const at = state.hosts.findIndex((h) => h.info.name === name);
  if (at < 0) return { hosts: [...state.hosts, change(undefined)] };
  const hosts = [...state.hosts];
  hosts[at] = change(state.hosts[at]);
  return { hosts };
}

/** Events for a host nobody knows (removed meanwhile) change nothing. */
function update(
  state: ClusterSnapshot,
  name: string,
  change: (view: HostView) => HostView,
): ClusterSnapshot {
  if (!state.hosts.some((h) => h.info.name === name)) return state;
  return upsert(state, name, (view) => change(view as HostView));
}

/** Appends, dropping what is older than HISTORY_MS before the newest sample. */
function withSample(history: readonly HostSample[], sample: HostSample): HostSample[] {
  const from = sample.at - HISTORY_MS;
  return [...history.filter((s) => s.at >= from && s.at < sample.at), sample];
}

function withDownload(
  downloads: readonly DownloadView[],
  id: string,
  event: DownloadEvent,
): DownloadView[] {
  const now = new Date().toISOString();
  const known = downloads.find((d) => d.id === id);
  const base: DownloadView = known ?? {
    ...{ id, ref: '', file: null, state: 'running', bytes: 0, total: null, pid: null },
    ...{ started_at: now, updated_at: now, bytes_per_sec: null, eta_s: null },
  };
  const next: DownloadView = { ...base, updated_at: now };
  switch (event.event) {
    case 'start':
      Object.assign(next, {
        ref: event.ref,
        file: event.file,
        total: event.total,
        bytes: event.resumed_from,
        state: 'running',
      });
      break;
    case 'progress':
      Object.assign(next, {
        bytes: event.bytes,
        total: event.total,
        bytes_per_sec: event.bytes_per_sec,
        eta_s: event.eta_s,
        state: 'running',
      });
      break;
    case 'done':
      Object.assign(next, {
        state: 'done',
        path: event.path,
        sha256: event.sha256,
        bytes: next.total ?? next.bytes,
        bytes_per_sec: null,
        eta_s: null,
      });
      break;
    case 'error':
      Object.assign(next, {
        state: event.code === 'CANCELLED' ? 'cancelled' : 'failed',
        error: { code: event.code, message: event.message },
        bytes_per_sec: null,
        eta_s: null,
      });
      break;
  }
  return known ? downloads.map((d) => (d.id === id ? next : d)) : [next, ...downloads];
}
