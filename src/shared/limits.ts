/** Limits from SYS-5.4 (the old worker's validation), shared by the worker, the daemon and the UI. */
export const LIMITS = {
  promptChars: 32768,
  maxTokens: 2048,
  temperature: { min: 0, max: 2 },
  stopSequences: 4,
  /** Most jobs `GET /v2/tasks` lists at once. */
  taskList: 1000,
} as const;

export const DEFAULT_TEMPERATURE = 0.7;
