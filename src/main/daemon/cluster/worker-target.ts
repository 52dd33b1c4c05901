import { get, type Agent } from 'node:http';
import { WORKER_ROUTES } from '../../../shared/inference';
import { bearer } from '../../../shared/worker-auth';
import { WorkerStatusSchema } from '../../../shared/worker-schemas';

/**
 * Where a job's request goes: a worker's base URL and the secret it wants, and for a pool host
 * the SSH tunnel to it.
 */
export interface WorkerTarget {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <secret>`; the daemon never shows it to anyone. */
  secret: string;
  /** Opens each connection as a channel of the host's SSH session; none for this computer. */
  agent?: Agent;
}

const STATUS_TIMEOUT_MS = 2000;

/** A worker's slots and context size from its /status; null when it does not answer in time. */
export function statusOf(
  target: WorkerTarget,
): Promise<{ slots: number; contextSize: number | null } | null> {
  return new Promise((resolve) => {
    const req = get(
      `${target.baseUrl}${WORKER_ROUTES.status}`,
      {
        timeout: STATUS_TIMEOUT_MS,
        headers: { authorization: bearer(target.secret) },
        ...(target.agent ? { agent: target.agent } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          try {
            const status = WorkerStatusSchema.safeParse(JSON.parse(body));
            if (!status.success) return resolve(null);
            const size = status.data.context_size;
            resolve({ slots: status.data.slots_total, contextSize: size > 0 ? size : null });
          } catch {
            resolve(null);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy()).on('error', () => resolve(null));
  });
}
