/**
 * rbees' error code in an error answer of any of its shapes: its own `{ error: { code } }`,
 * Anthropic's `{ type: "error", error: { type, code } }` (the same place), or Ollama's
 * `{ error: "…", code }`.
 */
export function errorCodeOf(body: unknown): unknown {
  const { error, code } = (body ?? {}) as { error?: unknown; code?: unknown };
  if (typeof error === 'string') return code;
  return (error as { code?: unknown } | undefined)?.code;
}
