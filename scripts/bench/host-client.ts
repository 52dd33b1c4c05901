/**
 * The client of tunnel.ts's baseline, run on the pool host itself (in its network namespace, where
 * the worker's 127.0.0.1 is): `host-client.ts <worker base URL>`, the worker's secret in
 * RBEES_WORKER_SECRET (an environment variable, as the worker gets it). One request a line on stdin
 * (`{ prompt, max_tokens }`), answered by one line on stdout: when each token arrived, in ms from
 * the moment the request left, decoded with the same SSE decoder as the other probes.
 */
import { createInterface } from 'node:readline';
import { decodeInferenceEvents } from '../../src/shared/sse';
import { bearer, WORKER_SECRET_ENV } from '../../src/shared/worker-auth';

export interface HostRun {
  tokens: number[];
  error?: string;
}

async function execute(base: string, secret: string, n: number, line: string): Promise<HostRun> {
  const { prompt, max_tokens } = JSON.parse(line) as { prompt: string; max_tokens: number };
  const start = performance.now();
  const tokens: number[] = [];
  const response = await fetch(`${base}/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: bearer(secret) },
    body: JSON.stringify({ job_id: `bench-host-${n}`, prompt, max_tokens, temperature: 0 }),
  });
  if (!response.ok || !response.body) return { tokens, error: `HTTP ${response.status}` };
  for await (const event of decodeInferenceEvents(response.body)) {
    if (event.type === 'token') tokens.push(performance.now() - start);
    if (event.type === 'error') return { tokens, error: JSON.stringify(event.data) };
  }
  return { tokens };
}

async function main(): Promise<void> {
  const base = process.argv[2];
  const secret = process.env[WORKER_SECRET_ENV];
  if (!base || !secret) {
    throw new Error(`usage: ${WORKER_SECRET_ENV}=<secret> host-client.ts <worker base URL>`);
  }
  let n = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const answer = await execute(base, secret, n++, line).catch((err: unknown): HostRun => ({
      tokens: [],
      error: String(err),
    }));
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
