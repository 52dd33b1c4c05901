import { toErrorBody, type ErrorBody } from '../../../shared/errors';
import type { WorkerTarget } from '../cluster/cluster-workers';
import type { Job, JobsDeps } from './job-types';

/** A slot taken on a worker for one job. */
export interface Lease {
  host: string;
  workerId: string;
  target: WorkerTarget;
  release(): void;
}

/**
 * A free slot for the job now, or undefined: it waits (a worker may be starting for it, or on
 * its way back after a crash). A worker serving the model on any host comes first; else one is
 * started where the model's file is. When no worker can come for the model (it was stopped, its
 * host left, a start failed), `cannot` says why: the caller fails every job waiting for that
 * model.
 */
export function leaseSlot(
  job: Pick<Job, 'modelId'>,
  deps: Pick<JobsDeps, 'cluster' | 'starter'>,
  cannot: (error: ErrorBody) => void,
): Lease | undefined {
  const { cluster, starter } = deps;
  const worker = cluster.pick(job.modelId);
  if (worker) {
    cluster.adjustBusy(worker, 1);
    return {
      host: worker.host,
      workerId: worker.id,
      target: worker.target,
      release: () => cluster.adjustBusy(worker, -1),
    };
  }
  if (cluster.serves(job.modelId)) return undefined; // every slot taken, or on its way
  if (starter?.has(job.modelId)) {
    // Started once for all the jobs waiting; its arrival (the cluster's change) pumps the queue.
    starter.start(job.modelId).catch((err: unknown) => cannot(toErrorBody(err)));
  } else {
    cannot({
      code: 'WORKER_UNAVAILABLE',
      message: `No worker serves "${job.modelId}" any more (it was stopped, or its host went offline). Start one, then send the request again.`,
    });
  }
  return undefined;
}
