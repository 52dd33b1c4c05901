import { API } from '../../../../shared/api';
import type { WorkerLogEvent } from '../../../../shared/hosts';
import type { DownloadEvent } from '../../../../shared/pool-status';
import { int, keysOf } from './json-schema';
import { json, op, query, sse, template, type Paths } from './operations';

const DOWNLOAD_EVENTS = keysOf<DownloadEvent['event']>({
  start: true,
  progress: true,
  done: true,
  error: true,
});

// `error` is not an agent line but the relay's own last event (routes/agent-sse.ts).
const WORKER_LOG_EVENTS = keysOf<WorkerLogEvent['event'] | 'error'>({
  log: true,
  logs_end: true,
  error: true,
});

const AGENT_LINES = "Each event's data is the agent's JSON line; `error` carries an ErrorBody.";

const UPLOAD_BODY = {
  required: true,
  description: "The model file's bytes; send Content-Length.",
  content: {
    'application/octet-stream': { schema: { contentMediaType: 'application/octet-stream' } },
  },
};

const UPLOAD_PARAMETERS = [
  {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The file name to create on the host, `<model id>.gguf`.',
    schema: { type: 'string' },
  },
  {
    name: 'Content-Length',
    in: 'header',
    required: true,
    description: "The file's size in bytes: a body that ends short is refused, nothing kept.",
    schema: int,
  },
];

/** Pool hosts and, through their agents, their models, downloads and workers. */
export function hostPaths(): Paths {
  return {
    [API.hosts]: {
      get: op({
        tag: 'hosts',
        summary: 'List pool hosts',
        ok: { status: 200, description: 'The hosts.', content: json('HostsResponse') },
      }),
      post: op({
        tag: 'hosts',
        summary: 'Add a pool host',
        body: 'AddHostRequest',
        ok: { status: 201, description: 'Added.', content: json('HostInfo') },
      }),
    },
    [template(API.host, 'name')]: {
      delete: op({
        tag: 'hosts',
        summary: 'Remove a pool host',
        ok: { status: 204, description: 'Removed.' },
      }),
    },
    [template(API.hostConnect, 'name')]: {
      post: op({
        tag: 'hosts',
        summary: 'Connect to a host over SSH',
        description:
          'SSH_HOSTKEY_UNKNOWN (409) carries the fingerprint to confirm through /trust; ' +
          'SSH_HOSTKEY_MISMATCH (409) carries the expected and presented fingerprints, where ' +
          'the old key is (details.known) and whether /replace-key can replace it.',
        ok: { status: 200, description: 'The host, connected.', content: json('HostInfo') },
      }),
    },
    [template(API.hostTrust, 'name')]: {
      post: op({
        tag: 'hosts',
        summary: "Trust a host's key the user confirmed, then connect",
        body: 'TrustHostRequest',
        ok: { status: 200, description: 'The host, connected.', content: json('HostInfo') },
      }),
    },
    [template(API.hostReplaceKey, 'name')]: {
      post: op({
        tag: 'hosts',
        summary: "Replace a host's changed key by the one the user confirmed, then connect",
        description:
          "For SSH_HOSTKEY_MISMATCH when the old key is in rbees' own known_hosts: the body is " +
          "the fingerprint the host presented (from the error's details). The old entry is " +
          'removed and the key saved only if the host presents exactly that fingerprint; ' +
          'otherwise the old entry is put back (SSH_HOSTKEY_MISMATCH). An old key in another ' +
          'known_hosts file (~/.ssh/known_hosts) is never edited: SSH_HOSTKEY_MISMATCH (409) ' +
          'with details.remove_command, the `ssh-keygen -R` to run.',
        body: 'TrustHostRequest',
        ok: { status: 200, description: 'The host, connected.', content: json('HostInfo') },
      }),
    },
    [template(API.hostAgent, 'name')]: {
      get: op({
        tag: 'hosts',
        summary: "Compare the host's installed agent with the one this app ships",
        description:
          'Reads VERSION in the agent dir (one short exec); the shipped version is a content ' +
          'hash of the agent bundle and its packages, computed once per platform.',
        ok: {
          status: 200,
          description: 'Installed and shipped versions.',
          content: json('AgentVersionResponse'),
        },
      }),
    },
    [template(API.hostStatus, 'name')]: {
      get: op({
        tag: 'hosts',
        summary: "Read a host's status (OS, GPUs, models, workers)",
        ok: {
          status: 200,
          description: "The agent's status.",
          content: json('HostStatusResponse'),
        },
      }),
    },
    [API.sshAliases]: {
      get: op({
        tag: 'hosts',
        summary: "List the Host aliases of the daemon user's ~/.ssh/config",
        ok: { status: 200, description: 'The aliases.', content: json('SshAliasesResponse') },
      }),
    },
    [template(API.hostInstall, 'name')]: {
      post: op({
        tag: 'hosts',
        summary: "Install or update this daemon's agent on the host",
        ok: {
          status: 200,
          description:
            'The install steps as they happen; leaving the stream cancels it (the old agent stays).',
          content: sse(
            [
              'probed',
              'payload',
              'current',
              'uploaded',
              'verified',
              'swapped',
              'checked',
              'installed',
              'error',
            ],
            "Each event's data is an install step ({event, …facts}); `error` carries an ErrorBody.",
          ),
        },
      }),
    },
    [template(API.hostModels, 'name')]: {
      get: op({
        tag: 'host models',
        summary: "List a host's model files",
        ok: { status: 200, description: 'The models.', content: json('HostModelsResponse') },
      }),
    },
    [template(API.hostModel, 'name', 'id')]: {
      delete: op({
        tag: 'host models',
        summary: 'Delete a model file from a host',
        ok: { status: 204, description: 'Deleted.' },
      }),
      put: op({
        tag: 'host models',
        summary: 'Upload a model file to a host',
        body: UPLOAD_BODY,
        parameters: UPLOAD_PARAMETERS,
        ok: { status: 201, description: 'Uploaded and verified.', content: json('UploadResponse') },
      }),
    },
    [template(API.hostModelVerify, 'name', 'id')]: {
      post: op({
        tag: 'host models',
        summary: "Verify a model file's sha256 on its host",
        ok: { status: 200, description: 'The checksum.', content: json('VerifyResponse') },
      }),
    },
    [template(API.hostDownloads, 'name')]: {
      get: op({
        tag: 'host models',
        summary: "List a host's downloads",
        ok: { status: 200, description: 'Running and ended.', content: json('DownloadsResponse') },
      }),
      post: op({
        tag: 'host models',
        summary: 'Start a download from Hugging Face on a host',
        body: 'StartDownloadRequest',
        ok: {
          status: 202,
          description: 'Started; follow it at .../downloads/{id}/events.',
          content: json('StartDownloadResponse'),
        },
      }),
    },
    [template(API.hostDownload, 'name', 'id')]: {
      delete: op({
        tag: 'host models',
        summary: 'Cancel a download',
        ok: { status: 204, description: 'Cancelled.' },
      }),
    },
    [template(API.hostDownloadEvents, 'name', 'id')]: {
      get: op({
        tag: 'host models',
        summary: "Follow a download's progress",
        description:
          'One follower per download on its host, shared by every reader (a late one gets `start` ' +
          'and the latest `progress` first). A host with RBEES_FOLLOWERS_PER_HOST (default 6) ' +
          'distinct logs and downloads followed refuses one more: 429 TOO_MANY_FOLLOWERS.',
        ok: {
          status: 200,
          description: 'The event stream, ending with `done` or `error`.',
          content: sse(DOWNLOAD_EVENTS, `${AGENT_LINES} Lines: DownloadEvent in pool-status.ts.`),
        },
      }),
    },
    [template(API.hostWorkers, 'name')]: {
      get: op({
        tag: 'host workers',
        summary: "List a host's workers",
        ok: { status: 200, description: 'The workers.', content: json('HostWorkersResponse') },
      }),
      post: op({
        tag: 'host workers',
        summary: 'Spawn a worker on a host',
        body: 'SpawnWorkerRequest',
        ok: {
          status: 201,
          description: 'Ready on the host.',
          content: json('SpawnWorkerResponse'),
        },
      }),
    },
    [template(API.hostWorker, 'name', 'id')]: {
      delete: op({
        tag: 'host workers',
        summary: 'Stop a worker',
        ok: { status: 204, description: 'Stopped.' },
      }),
    },
    [template(API.hostWorkerLogs, 'name', 'id')]: {
      get: op({
        tag: 'host workers',
        summary: "Read or follow a worker's log",
        parameters: [
          query(
            'follow',
            'Keep streaming new lines: 1 or true. One follower per worker, shared by every ' +
              'reader; past RBEES_FOLLOWERS_PER_HOST (default 6) distinct logs and downloads ' +
              'followed on the host, 429 TOO_MANY_FOLLOWERS.',
            { type: 'string' },
          ),
          query(
            'lines',
            'How many of the last lines to send first (at most 10000 with follow).',
            int,
          ),
        ],
        ok: {
          status: 200,
          description: 'The event stream, ending with `logs_end` or `error`.',
          content: sse(WORKER_LOG_EVENTS, AGENT_LINES),
        },
      }),
    },
  };
}
