import type { InferenceEvent } from '../../../../shared/inference';
import type { Job, Jobs } from '../../jobs/jobs';

/** Follows a job to its end, feeding each event to `each`; a client that leaves cancels it. */
export async function settled(
  job: Job,
  jobs: Jobs,
  socket: NodeJS.EventEmitter & { writableFinished: boolean },
  each: (event: InferenceEvent) => unknown,
): Promise<Extract<InferenceEvent, { type: 'end' | 'error' }>> {
  const abort = new AbortController();
  socket.on('close', () => {
    if (!socket.writableFinished) abort.abort();
  });
  abort.signal.addEventListener('abort', () => jobs.cancelJob(job));
  for await (const event of job.events.subscribe(undefined, abort.signal)) {
    each(event);
    if (event.type === 'end' || event.type === 'error') return event;
  }
  throw new Error(`job ${job.id}: its events ended without end or error`);
}
