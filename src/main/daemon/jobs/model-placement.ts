import { RbeesError } from '../../../shared/errors';
import { resolveModelId } from '../../../shared/models';
import type { JobsDeps } from './job-types';
import type { LocalModel } from '../cluster/local-models';

/** A model file dropped in by hand is seen this long after; an unknown name re-reads at once. */
const LOCAL_MODELS_TTL_MS = 2000;

/**
 * Where a requested model name lives: a worker of the cluster serves it, this computer has its
 * file (the supervisor starts a worker), or a pool host has it (remote-start.ts). Admission asks
 * here for every job, so this computer's model list is cached briefly rather than read each time.
 */
export class ModelPlacement {
  private localModels: { at: number; list: LocalModel[] } | undefined;

  constructor(
    private readonly deps: Pick<JobsDeps, 'models' | 'cluster' | 'remote' | 'awayWith'>,
  ) {}

  /** Resolves a requested name; an unknown one re-reads the models and workers before giving up. */
  async place(requested: string): Promise<{ modelId: string; local: LocalModel | undefined }> {
    const resolve = (local: LocalModel[]): string => {
      const ids = [
        ...local.map((m) => m.id),
        ...this.deps.cluster.models().map((m) => m.id),
        ...(this.deps.remote?.models() ?? []).map((m) => m.id),
      ];
      return resolveModelId(requested, [...new Set(ids)]);
    };
    let local = await this.listLocal(false);
    let modelId: string;
    try {
      modelId = resolve(local);
    } catch {
      [local] = await Promise.all([this.listLocal(true), this.deps.cluster.refreshAll()]);
      try {
        modelId = resolve(local);
      } catch (err) {
        throw this.awayError(requested) ?? err;
      }
    }
    if (this.deps.cluster.serves(modelId)) return { modelId, local: undefined };
    return { modelId, local: local.find((m) => m.id === modelId) };
  }

  /** This computer's model files, re-read at most every LOCAL_MODELS_TTL_MS unless `fresh`. */
  async listLocal(fresh: boolean): Promise<LocalModel[]> {
    const cached = this.localModels;
    if (!fresh && cached && Date.now() - cached.at < LOCAL_MODELS_TTL_MS) return cached.list;
    const list = await this.deps.models.list();
    this.localModels = { at: Date.now(), list };
    return list;
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
