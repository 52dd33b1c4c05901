import { RbeesError } from '../../../shared/errors';
import { resolveModelId } from '../../../shared/models';
import { DEFAULT_MAX_CONTEXT } from '../../../shared/limits';
import { LOCAL_HOST } from '../hosts/host-registry';
import type { JobsDeps } from './job-types';

/**
 * Which model a requested name means, from two sources: the models the cluster's workers serve
 * (any host) and the model files of the hosts that can serve (where a worker can be started,
 * on-demand.ts). Admission asks here for every job; the files of this computer are cached
 * briefly rather than read each time.
 */
/** A model as `/v1/models` lists it. */
export interface CatalogModel {
  id: string;
  /** Where its file is or a worker serves it: this computer first, then in the hosts' order. */
  hosts: string[];
  /**
   * Tokens a request can use: the largest context a worker of it serves with now; else, for a
   * file on this computer, what a worker started for it would get at most (its trained context,
   * capped at DEFAULT_MAX_CONTEXT); else null (a pool host's file nobody serves yet).
   */
  context_length: number | null;
  /** A worker serves it now. */
  loaded: boolean;
}

export class ModelPlacement {
  constructor(
    private readonly deps: Pick<JobsDeps, 'cluster' | 'starter' | 'awayWith' | 'trainedContext'>,
  ) {}

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

  /** Every model a request may name, once, with where it is and its context. */
  async catalog(): Promise<CatalogModel[]> {
    const byId = new Map<string, string[]>();
    for (const { id, host } of [...(await this.files(true)), ...this.deps.cluster.models()]) {
      const hosts = byId.get(id) ?? [];
      if (!hosts.includes(host)) hosts.push(host);
      byId.set(id, hosts);
    }
    return Promise.all(
      [...byId].map(async ([id, hosts]) => {
        const serving = this.deps.cluster.contextSize(id);
        const trained = hosts.includes(LOCAL_HOST)
          ? ((await this.deps.trainedContext?.(id)) ?? null)
          : null;
        const onDemand = trained === null ? null : Math.min(trained, DEFAULT_MAX_CONTEXT);
        return { id, hosts, context_length: serving ?? onDemand, loaded: serving !== null };
      }),
    );
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
