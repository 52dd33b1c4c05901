import { useEffect, useState } from 'react';
import { LogBuffer } from './log-buffer';
import type { LogStreamState } from './log-stream';
import { LogPanel, LogViewer } from './log-viewer';

/**
 * A test harness, not a feature: e2e/log-viewer.spec.ts (and the benchmark) open the page at
 * `#logs-harness=<host>/<worker>` to see the log viewer alone until the Workers view mounts it.
 * `#logs-harness=synthetic/<lines>[/<lines per second>]` fills the buffer with generated lines,
 * then keeps appending at that rate, once per frame as the stream does.
 */
export function LogsHarness() {
  const spec = decodeURIComponent(location.hash.replace(/^#logs-harness=/, ''));
  const [host = '', workerId = '', rate = '0'] = spec.split('/');
  return (
    <main style={{ height: '100%', padding: 16 }}>
      {host === 'synthetic' ? (
        <SyntheticLogs lines={Number(workerId) || 0} perSecond={Number(rate) || 0} />
      ) : (
        <LogViewer host={host} workerId={workerId} />
      )}
    </main>
  );
}

const LEVELS = ['INFO', 'DEBUG', 'WARN', 'ERROR', 'INFO', 'INFO', 'DEBUG', 'INFO'];

function syntheticLine(n: number): string {
  const level = LEVELS[n % LEVELS.length] ?? 'INFO';
  return `${level.padEnd(5)} llama_decode: slot ${n % 4} processed token ${n}, n_past = ${(n * 7) % 4096}`;
}

function SyntheticLogs({ lines, perSecond }: { lines: number; perSecond: number }) {
  const [buffer] = useState(() => {
    const b = new LogBuffer();
    for (let n = 0; n < lines; n += 10_000) {
      b.append(Array.from({ length: Math.min(10_000, lines - n) }, (_, i) => syntheticLine(n + i)));
    }
    return b;
  });
  const [state] = useState<LogStreamState>(
    perSecond > 0 ? { status: 'streaming' } : { status: 'ended', reason: 'synthetic' },
  );
  useEffect(() => {
    if (perSecond <= 0) return;
    let last = performance.now();
    let owed = 0;
    let frame = requestAnimationFrame(function tick(now) {
      owed += ((now - last) / 1000) * perSecond;
      last = now;
      const count = Math.floor(owed);
      owed -= count;
      const from = buffer.end;
      buffer.append(Array.from({ length: count }, (_, i) => syntheticLine(from + i)));
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [buffer, perSecond]);
  return <LogPanel buffer={buffer} state={state} workerId="synthetic" />;
}
