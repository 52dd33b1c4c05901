import { toErrorBody, type ErrorBody } from '../../../shared/errors';
import type { WorkerTarget } from '../cluster/cluster-workers';
import type { Job, JobsDeps } from './job-types';

/** A slot taken on a worker for one job. */
export interface Lease {
  host: string;
  workerId: string;
  target: WorkerTarget;
  release(): void;
  /** Why the worker went away, for the job's error. */
  lastError(): string | null;
}

/**
 * A free slot for the job now, or undefined: it waits (a worker may be starting for it). A
 * worker serving the model on any host comes first; else this computer's supervisor starts one
 * for a local file, or the remote starter one where a pool host has the file. When no worker can
 * come for the model (it was stopped, its host left, a start failed), `cannot` says why: the
 * caller fails every job waiting for that model.
 */
export function leaseSlot(
  job: Pick<Job, 'modelId' | 'local'>,
  deps: Pick<JobsDeps, 'cluster' | 'supervisor' | 'remote'>,
  cannot: (error: ErrorBody) => void,
): Lease | undefined {
  const { cluster, supervisor, remote } = deps;
  if (!job.local) {
    const worker = cluster.pick(job.modelId);
    if (worker) {
      cluster.adjustBusy(worker, 1);
      return {
        host: worker.host,
        workerId: worker.id,
        target: worker.target,
        release: () => cluster.adjustBusy(worker, -1),
        lastError: () => null,
      };
    }
    if (!cluster.serves(job.modelId) && remote?.has(job.modelId)) {
      // Started once for all the jobs waiting; its arrival (cluster refresh) pumps the queue.
      remote.start(job.modelId).catch((err: unknown) => cannot(toErrorBody(err)));
    } else if (!cluster.serves(job.modelId)) {
      cannot({
        code: 'WORKER_UNAVAILABLE',
        message: `No worker serves "${job.modelId}" any more (it was stopped, or its host went offline). Start one, then send the request again.`,
      });
    }
    return undefined;
  }
  const worker = supervisor.get(job.modelId);
  if (!worker || worker.state === 'stopped' || worker.state === 'crashed') {
    supervisor.ensure(job.local).catch((err: unknown) => cannot(toErrorBody(err)));
    return undefined;
  }
  if (worker.state !== 'ready' || worker.busy >= worker.slots) return undefined;
  supervisor.adjustBusy(worker, 1);
  return {
    host: 'local',
    workerId: worker.id,
    target: { baseUrl: worker.baseUrl ?? '', secret: worker.secret },
    release: () => supervisor.adjustBusy(worker, -1),
    lastError: () => worker.lastError,
  };
}
