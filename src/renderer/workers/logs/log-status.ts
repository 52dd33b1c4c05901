import type { LogStreamState } from './log-stream';

const REASONS: Record<string, string> = {
  eof: 'end of the log',
  worker_exited: 'the worker exited',
  signal: 'the log reader was stopped on the host',
  connection_closed: 'the connection closed',
  synthetic: 'synthetic test data',
};

/** The stream's state in words, for the status line. */
export function describeState(state: LogStreamState): string {
  switch (state.status) {
    case 'connecting':
      return state.retrying ? 'Connection lost; reconnecting…' : 'Connecting…';
    case 'streaming':
      return 'Streaming';
    case 'ended':
      return `Ended: ${REASONS[state.reason] ?? state.reason}`;
    case 'error':
      return `Error: ${state.message}`;
  }
}

/** One formatter for every call: `toLocaleString` builds one each time, several per frame. */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
