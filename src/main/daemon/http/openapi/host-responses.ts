import { ERROR_CODES } from '../../../../shared/errors';
import type {
  AgentVersionResponse,
  AgentVersionState,
  DownloadsResponse,
  HostInfo,
  HostModelsResponse,
  HostsResponse,
  HostStatusResponse,
  HostWorkersResponse,
  SpawnWorkerResponse,
  SshAliasesResponse,
  StartDownloadResponse,
  UploadResponse,
} from '../../../../shared/hosts';
import type {
  DownloadState,
  ModelDetails,
  ModelEntry,
  WorkerBackend,
  WorkerEntry,
} from '../../../../shared/pool-status';
import * as s from './json-schema';

const BACKEND = s.oneOf<WorkerBackend>({
  auto: true,
  cpu: true,
  cuda: true,
  metal: true,
  vulkan: true,
});

const modelEntry = {
  id: s.str,
  path: s.str,
  size_bytes: s.int,
  modified_at: s.dateTime,
};

/**
 * What `/api/hosts` answers: the hosts, and what their agents report. Nested agent objects (GPUs,
 * probes) are named, not spelled out: their source of truth is src/shared/pool-status.ts.
 */
export const hostSchemas = {
  HostInfo: s.object<HostInfo>(
    {
      name: s.str,
      spec: s.str,
      agent_dir: s.str,
      state: s.oneOf<HostInfo['state']>({
        local: true,
        idle: true,
        connecting: true,
        online: true,
        offline: true,
        reconnecting: true,
      }),
      reason: s.str,
      reason_code: { type: 'string', enum: [...ERROR_CODES] },
    },
    { reason: true, reason_code: true },
  ),
  AgentVersionResponse: s.object<AgentVersionResponse>({
    state: s.oneOf<AgentVersionState>({
      current: true,
      outdated: true,
      missing: true,
      unknown: true,
    }),
    installed: s.nullable(s.str),
    shipped: s.nullable(s.str),
    platform: s.nullable(s.str),
  }),
  HostsResponse: s.object<HostsResponse>({ hosts: s.arrayOf(s.ref('HostInfo')) }),
  SshAliasesResponse: s.object<SshAliasesResponse>({ aliases: s.arrayOf(s.str) }),
  HostStatusResponse: s.object<HostStatusResponse>({
    event: s.constant('status'),
    hostname: s.str,
    platform: s.str,
    os: s.str,
    arch: s.str,
    kernel: s.str,
    cpu: s.anyObject('model, cores'),
    memory: s.anyObject('total_bytes, free_bytes'),
    disk: s.nullable(s.anyObject('path, total_bytes, free_bytes')),
    gpus: s.arrayOf(s.anyObject('Gpu in src/shared/pool-status.ts')),
    probes: s.arrayOf(s.anyObject('ProbeReport in src/shared/pool-status.ts')),
    models: s.arrayOf(s.object<ModelEntry>(modelEntry)),
    workers: s.arrayOf(s.ref('WorkerEntry')),
  }),
  ModelDetails: s.object<ModelDetails>(
    {
      ...modelEntry,
      architecture: s.str,
      name: s.str,
      parameter_count: s.int,
      size_label: s.str,
      file_type: s.str,
      context_length: s.int,
      error: s.str,
    },
    {
      architecture: true,
      name: true,
      parameter_count: true,
      size_label: true,
      file_type: true,
      context_length: true,
      error: true,
    },
  ),
  HostModelsResponse: s.object<HostModelsResponse>({
    models_dir: s.str,
    models: s.arrayOf(s.ref('ModelDetails')),
  }),
  VerifyResponse: {
    type: 'object',
    description: "The agent's `verified` line; `match` is null when there was nothing to compare.",
    properties: {
      event: s.constant('verified'),
      id: s.str,
      sha256: s.str,
      expected: s.arrayOf(s.anyObject('source (sidecar | argument), sha256')),
      match: s.nullable(s.bool),
    },
  },
  UploadResponse: s.object<UploadResponse>({
    id: s.str,
    path: s.str,
    sha256: s.str,
    size_bytes: s.int,
  }),
  DownloadState: s.object<DownloadState>(
    {
      id: s.str,
      ref: s.str,
      file: s.nullable(s.str),
      state: s.oneOf<DownloadState['state']>({
        running: true,
        done: true,
        failed: true,
        cancelled: true,
      }),
      bytes: s.int,
      total: s.nullable(s.int),
      pid: s.nullable(s.int),
      path: s.str,
      sha256: s.str,
      error: s.anyObject('code, message (as in ErrorBody)'),
      started_at: s.dateTime,
      updated_at: s.dateTime,
    },
    { path: true, sha256: true, error: true },
  ),
  DownloadsResponse: s.object<DownloadsResponse>({ downloads: s.arrayOf(s.ref('DownloadState')) }),
  StartDownloadResponse: s.object<StartDownloadResponse>({ id: s.str }),
  WorkerEntry: s.object<WorkerEntry>(
    {
      id: s.str,
      pid: s.int,
      port: s.nullable(s.int),
      model: s.str,
      model_path: s.str,
      backend: BACKEND,
      gpu: s.nullable(s.int),
      log: s.str,
      started_at: s.dateTime,
      on_demand: s.bool,
      restarts: s.int,
      last_error: s.nullable(s.str),
      status: s.oneOf<WorkerEntry['status']>({
        ...{ starting: true, ready: true, unresponsive: true },
        ...{ restarting: true, failed: true },
      }),
      slots_total: s.nullable(s.int),
      slots_busy: s.nullable(s.int),
    },
    { on_demand: true, restarts: true, last_error: true },
  ),
  HostWorkersResponse: s.object<HostWorkersResponse>({ workers: s.arrayOf(s.ref('WorkerEntry')) }),
  SpawnWorkerResponse: s.object<SpawnWorkerResponse>({
    id: s.str,
    port: s.int,
    pid: s.int,
    model: s.str,
    backend: BACKEND,
    log: s.str,
  }),
};
