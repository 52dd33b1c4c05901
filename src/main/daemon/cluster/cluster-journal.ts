import { toErrorBody } from '../../../shared/errors';
import type { ClusterEvent } from '../../../shared/events';
import type { ClusterEvents } from './cluster-events';
import type { Logger } from '../logger';
import type { SeenTable } from '../store/seen-table';

/**
 * Writes what the hosts' agents report (models, workers, downloads) to the store as it streams
 * by. A status sample arrives every few seconds per watched host: only a change is written.
 */
export function journalCluster(events: ClusterEvents, seen: SeenTable, logger: Logger): () => void {
  const last = new Map<string, string>();
  const changed = (key: string, value: unknown): boolean => {
    const text = JSON.stringify(value);
    if (last.get(key) === text) return false;
    last.set(key, text);
    return true;
  };
  const write = (event: ClusterEvent): void => {
    switch (event.type) {
      case 'host_status': {
        const { host, status } = event.data;
        if (changed(`models/${host}`, status.models)) seen.replaceModels(host, status.models);
        if (changed(`workers/${host}`, status.workers)) seen.replaceWorkers(host, status.workers);
        return;
      }
      case 'workers':
        if (changed(`workers/${event.data.host}`, event.data.workers)) {
          seen.replaceWorkers(event.data.host, event.data.workers);
        }
        return;
      case 'downloads':
        for (const download of event.data.downloads) seen.saveDownload(event.data.host, download);
        return;
      case 'host_removed':
        for (const key of last.keys()) if (key.endsWith(`/${event.data.host}`)) last.delete(key);
        seen.forgetHost(event.data.host);
        return;
      // Live only: a download's ends come back with its host's next `downloads` list.
      case 'download':
      case 'host':
      case 'host_status_error':
      case 'job': // the jobs table has them (Jobs' journal)
      case 'models_changed':
      case 'snapshot':
      case 'worker_rate':
        return;
    }
  };
  return events.observe((event) => {
    try {
      write(event);
    } catch (err) {
      // A full disk must not stop the live events: the journal is a record, not the source.
      logger.warn({ event: event.type, error: toErrorBody(err).message }, 'cannot record');
    }
  });
}
