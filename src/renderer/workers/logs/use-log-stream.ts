import { useEffect, useState, useSyncExternalStore } from 'react';
import { getConnection } from '../../api/connection';
import { LogBuffer } from './log-buffer';
import { openLogStream, type LogStreamState } from './log-stream';

/**
 * The live log of one worker: a fresh buffer and stream per host/worker pair, closed (request
 * aborted) when the component unmounts or the worker changes. The buffer lives here, not in a
 * zustand store: it is mutable, can hold 500,000 lines and belongs to one open viewer.
 */
export function useLogStream(
  host: string,
  workerId: string,
): {
  buffer: LogBuffer;
  state: LogStreamState;
} {
  const [session, setSession] = useState(() => ({ host, workerId, buffer: new LogBuffer() }));
  const [state, setState] = useState<LogStreamState>({ status: 'connecting', retrying: false });
  let current = session;
  if (session.host !== host || session.workerId !== workerId) {
    // Another worker: start over at once rather than show the old lines for a render.
    current = { host, workerId, buffer: new LogBuffer() };
    setSession(current);
    setState({ status: 'connecting', retrying: false });
  }
  const { buffer } = current;

  useEffect(() => {
    const { apiBase, token } = getConnection();
    return openLogStream({ host, workerId, buffer, apiBase, token, onState: setState });
  }, [host, workerId, buffer]);

  return { buffer, state };
}

/** Re-renders on every change of the buffer (at most once per frame while streaming). */
export function useBufferVersion(buffer: LogBuffer): number {
  return useSyncExternalStore(buffer.subscribe, buffer.getVersion);
}

/**
 * Applies a new filter to the lines already kept, 8 ms at a time with a task break in between,
 * so typing stays responsive on 500,000 lines.
 */
export function useFilter(buffer: LogBuffer, query: string): void {
  useEffect(() => {
    buffer.setQuery(query);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      if (!buffer.scan(Infinity, 8)) timer = setTimeout(step, 0);
    };
    step();
    return () => clearTimeout(timer);
  }, [buffer, query]);
}
