import { RbeesError } from '../../../shared/errors';
import { resolveModelId } from '../../../shared/models';
import { LOCAL_HOST } from '../hosts/host-registry';
import type { JobsDeps } from './job-types';

/**
 * Which model a requested name means, from two sources: the models the cluster's workers serve
 * (any host) and the model files of the hosts that can serve (where a worker can be started,
 * on-demand.ts). Admission asks here for every job; the files of this computer are cached
 * briefly rather than read each time.
 */
export class ModelPlacement {
  constructor(private readonly deps: Pick<JobsDeps, 'cluster' | 'starter' | 'awayWith'>) {}

  /** Resolves a requested name; an unknown one re-reads the files and workers before giving up. */
  async place(requested: string): Promise<string> {
    const resolve = (files: { id: string }[]): string => {
      const ids = [...files, ...this.deps.cluster.models()].map((m) => m.id);
      return resolveModelId(requested, [...new Set(ids)]);
    };
    try {
      return resolve(await this.files(false));
    } catch {
      const [files] = await Promise.all([this.files(true), this.deps.cluster.refreshAll()]);
      try {
        return resolve(files);
      } catch (err) {
        throw this.awayError(requested) ?? err;
      }
    }
  }

  /**
   * The models to list (`/v1/models`): this computer's files, then what the workers serve. A
   * pool host's file that no worker serves is not listed, as before (a request for it is served
   * all the same).
   */
  async modelIds(): Promise<{ id: string; host: string }[]> {
    const local = (await this.files(true)).filter((f) => f.host === LOCAL_HOST);
    return [...local, ...this.deps.cluster.models()];
  }

  private async files(fresh: boolean): Promise<{ id: string; host: string }[]> {
    return (await this.deps.starter?.files(fresh)) ?? [];
  }

  /** A model only hosts that are away have: say which, rather than "not installed". */
  private awayError(requested: string): RbeesError | undefined {
    const wanted = requested.trim().replace(/\.gguf$/i, '');
    const hosts = this.deps.awayWith?.(wanted) ?? [];
    if (hosts.length === 0) return undefined;
    const where =
      hosts.length === 1 ? `host ${hosts[0]}, which is` : `hosts ${hosts.join(', ')}, which are`;
    return new RbeesError(
      'WORKER_UNAVAILABLE',
      `Model "${wanted}" is on ${where} not online now. Bring it back (see Hosts), or put the ` +
        'model on a host that is online.',
      { model: wanted, hosts },
    );
  }
}
