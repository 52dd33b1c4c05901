import type { z } from 'zod';
import type {
  DaemonInfoSchema,
  ModelsResponseSchema,
  WorkerInfoSchema,
  WorkersResponseSchema,
} from './api-schemas';

/** Paths of the daemon's API, named once for the server, the SDK and the UI. */
export const API = {
  tasks: '/v2/tasks',
  task: (id: string) => `/v2/tasks/${encodeURIComponent(id)}`,
  taskEvents: (id: string) => `/v2/tasks/${encodeURIComponent(id)}/events`,
  models: '/api/models',
  workers: '/api/workers',
  info: '/api/info',
  /** Live cluster events (SSE), see events.ts. */
  events: '/api/events',
  /** This API as an OpenAPI 3.1 document (also kept as docs/openapi.json). */
  openapi: '/api/openapi.json',
  hosts: '/api/hosts',
  /** The chat history (SQLite): GET lists, see conversations.ts. */
  conversations: '/api/conversations',
  conversation: (id: string) => `/api/conversations/${encodeURIComponent(id)}`,
  /** PUT creates or replaces one message; DELETE removes it. */
  conversationMessage: (id: string, messageId: string) =>
    `/api/conversations/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`,
  /** POST: an older UI's browser-kept history, moved in once. */
  conversationsImport: '/api/conversations/import',
  /** GET all, PATCH some (a null value removes a key). */
  settings: '/api/settings',
  sshAliases: '/api/ssh-aliases',
  host: (name: string) => `/api/hosts/${encodeURIComponent(name)}`,
  hostConnect: (name: string) => `/api/hosts/${encodeURIComponent(name)}/connect`,
  hostTrust: (name: string) => `/api/hosts/${encodeURIComponent(name)}/trust`,
  hostStatus: (name: string) => `/api/hosts/${encodeURIComponent(name)}/status`,
  /** GET: the installed agent's version against the one this app ships. */
  hostAgent: (name: string) => `/api/hosts/${encodeURIComponent(name)}/agent`,
  /** POST: replace a changed host key saved in rbees' own known_hosts by the confirmed one. */
  hostReplaceKey: (name: string) => `/api/hosts/${encodeURIComponent(name)}/replace-key`,
  /** POST: install or update the agent on the host; its steps stream back as SSE. */
  hostInstall: (name: string) => `/api/hosts/${encodeURIComponent(name)}/install`,
  hostModels: (name: string) => `/api/hosts/${encodeURIComponent(name)}/models`,
  /** DELETE removes it; PUT (the file's bytes, application/octet-stream) uploads `<file>.gguf`. */
  hostModel: (name: string, idOrFile: string) =>
    `/api/hosts/${encodeURIComponent(name)}/models/${encodeURIComponent(idOrFile)}`,
  hostModelVerify: (name: string, id: string) =>
    `/api/hosts/${encodeURIComponent(name)}/models/${encodeURIComponent(id)}/verify`,
  hostDownloads: (name: string) => `/api/hosts/${encodeURIComponent(name)}/downloads`,
  hostDownload: (name: string, id: string) =>
    `/api/hosts/${encodeURIComponent(name)}/downloads/${encodeURIComponent(id)}`,
  hostDownloadEvents: (name: string, id: string) =>
    `/api/hosts/${encodeURIComponent(name)}/downloads/${encodeURIComponent(id)}/events`,
  hostWorkers: (name: string) => `/api/hosts/${encodeURIComponent(name)}/workers`,
  hostWorker: (name: string, id: string) =>
    `/api/hosts/${encodeURIComponent(name)}/workers/${encodeURIComponent(id)}`,
  hostWorkerLogs: (name: string, id: string) =>
    `/api/hosts/${encodeURIComponent(name)}/workers/${encodeURIComponent(id)}/logs`,
  openaiModels: '/v1/models',
  openaiModel: (id: string) => `/v1/models/${encodeURIComponent(id)}`,
  chatCompletions: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  anthropicMessages: '/v1/messages',
  anthropicCountTokens: '/v1/messages/count_tokens',
  // Ollama's API: none of its paths is one of rbees' own /api routes.
  ollamaVersion: '/api/version',
  ollamaTags: '/api/tags',
  ollamaPs: '/api/ps',
  ollamaShow: '/api/show',
  ollamaChat: '/api/chat',
  ollamaGenerate: '/api/generate',
  ollamaEmbed: '/api/embed',
  health: '/health',
} as const;

/** A worker the daemon started on demand for its jobs, on any host (`GET /api/workers`). */
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
export type WorkerState = WorkerInfo['state'];
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;
export type WorkersResponse = z.infer<typeof WorkersResponseSchema>;
/** `GET /api/info`: what the UI shows about the daemon it talks to. */
export type DaemonInfo = z.infer<typeof DaemonInfoSchema>;
