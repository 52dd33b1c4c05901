/** The load bench's table and verdicts (`load.ts` runs the rounds): gaps, rates, CPU, memory. */
import { median } from './stats';
import { printTargets, rowOf } from './targets';

/** The bench's shape, as `load.ts` read it from the environment. */
export interface LoadShape {
  CLIENTS: number;
  MODELS: number;
  SLOTS: number;
  ROUNDS: number;
  ROUND_REQUESTS: number;
  MAX_TOKENS: number;
  ADDED_LATENCY_MS: number;
}

/** Token read times of one stream (ms, performance.now()). */
export type Stream = number[];

export interface Round {
  streams: Stream[];
  queuedEvents: number;
  seconds: number;
  clientCpuMs: number;
  daemonCpuMs: number;
}

function gapsOf(rounds: Round[]): number[] {
  return rounds.flatMap((round) =>
    round.streams.flatMap((tokens) => tokens.slice(1).map((at, i) => at - (tokens[i] ?? at))),
  );
}

function tokensOf(round: Round): number {
  return round.streams.reduce((sum, tokens) => sum + tokens.length, 0);
}

export function reportLoad(r: {
  direct: Round[];
  daemonRounds: Round[];
  rss: { requests: number; kib: number; note: string }[];
  loadBefore: string;
  loadAfterRounds: string;
  memorySeconds: number;
  shape: LoadShape;
}): void {
  const { CLIENTS, MODELS, SLOTS, ROUNDS, ROUND_REQUESTS, MAX_TOKENS, ADDED_LATENCY_MS } = r.shape;
  const rate = (rounds: Round[]) => median(rounds.map((round) => tokensOf(round) / round.seconds));
  const perToken = (rounds: Round[], cpu: (round: Round) => number) =>
    (rounds.reduce((sum, round) => sum + cpu(round), 0) * 1000) /
    rounds.reduce((sum, round) => sum + tokensOf(round), 0);
  const directGaps = gapsOf(r.direct);
  const daemonGaps = gapsOf(r.daemonRounds);
  const direct = rowOf('token gap, direct to the workers', directGaps, 'ms');
  const viaDaemon = rowOf(`token gap, via the daemon (${CLIENTS} clients)`, daemonGaps, 'ms');
  const added = {
    name: 'added latency per token (daemon − direct)',
    samples: daemonGaps.length,
    p50: viaDaemon.p50 - direct.p50,
    p99: viaDaemon.p99 - direct.p99,
    unit: 'ms',
    maxP99: ADDED_LATENCY_MS,
  };
  printTargets(
    `load: ${ROUNDS} rounds × ${ROUND_REQUESTS} requests of ${MAX_TOKENS} tokens per path, ` +
      `${MODELS} workers × ${SLOTS} slots (tiny model, 1 thread); load ${r.loadBefore} before, ` +
      `${r.loadAfterRounds} after`,
    [direct, viaDaemon, added],
  );
  const directRate = rate(r.direct);
  const daemonRate = rate(r.daemonRounds);
  console.log(
    `tokens delivered/s (median of rounds): direct ${directRate.toFixed(0)} with ` +
      `${MODELS * SLOTS} clients, via the daemon ${daemonRate.toFixed(0)} with ${CLIENTS} ` +
      `clients (ratio ${(daemonRate / directRate).toFixed(3)})`,
  );
  console.log(
    `CPU µs/token: daemon ${perToken(r.daemonRounds, (x) => x.daemonCpuMs).toFixed(1)}; ` +
      `this client ${perToken(r.direct, (x) => x.clientCpuMs).toFixed(1)} direct, ` +
      `${perToken(r.daemonRounds, (x) => x.clientCpuMs).toFixed(1)} via the daemon`,
  );
  const queued = r.daemonRounds.reduce((sum, round) => sum + round.queuedEvents, 0);
  const jobs = r.daemonRounds.reduce((sum, round) => sum + round.streams.length, 0);
  console.log(
    `events per job via the daemon: ${(queued / jobs).toFixed(1)} \`queued\` (position ` +
      `updates), ${MAX_TOKENS} \`token\``,
  );
  const at = (requests: number) => r.rss.find((s) => s.requests === requests);
  for (const sample of r.rss) {
    console.log(
      `daemon RSS after ${String(sample.requests).padStart(5)} requests: ` +
        `${(sample.kib / 1024).toFixed(1)} MiB (${sample.note})`,
    );
  }
  const early = at(2000);
  const late = r.rss.filter((s) => s.note === 'under load').at(-1);
  if (early && late && late.requests > early.requests) {
    const loadSamples = r.rss.filter((s) => s.note === 'under load' && s.requests >= 2000);
    const kibs = loadSamples.map((s) => s.kib);
    const perThousand = ((late.kib - early.kib) / (late.requests - early.requests)) * 1000;
    // Noise: how far the samples swing between neighbours; growth: a trend well past that.
    const swings = kibs.slice(1).map((kib, i) => Math.abs(kib - (kibs[i] ?? kib)));
    const noise = Math.max(...swings, 0);
    const grew = late.kib - early.kib;
    const verdict = grew <= noise ? 'no growth beyond noise' : 'GROWS beyond noise';
    console.log(
      `memory: ${early.requests} → ${late.requests} requests: ${(grew / 1024).toFixed(1)} MiB ` +
        `(${perThousand.toFixed(0)} KiB per 1,000 requests; largest swing between samples ` +
        `${(noise / 1024).toFixed(1)} MiB): ${verdict}; short-reply phase took ` +
        `${r.memorySeconds.toFixed(0)} s`,
    );
  }
}
