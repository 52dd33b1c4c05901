import './log-viewer.css';
import { useEffect, useRef, useState } from 'react';
import { copyText } from '../../ui/clipboard';
import { CopyIcon } from '../../ui/icons';
import type { LogBuffer } from './log-buffer';
import { LogRows } from './log-rows';
import { describeState, formatCount, plural } from './log-status';
import type { LogStreamState } from './log-stream';
import { useBufferVersion, useFilter, useLogStream } from './use-log-stream';

interface LogViewerProps {
  host: string;
  workerId: string;
}

/** The live log of one worker: follow, pause, filter, copy. */
export function LogViewer({ host, workerId }: LogViewerProps) {
  const { buffer, state } = useLogStream(host, workerId);
  // Keyed by worker: follow, pause and the filter start afresh for another worker.
  return <LogPanel key={`${host}/${workerId}`} buffer={buffer} state={state} workerId={workerId} />;
}

interface LogPanelProps {
  buffer: LogBuffer;
  state: LogStreamState;
  workerId: string;
}

/** The viewer over any buffer: the stream above, or synthetic lines in the test harness. */
export function LogPanel({ buffer, state, workerId }: LogPanelProps) {
  useBufferVersion(buffer);
  const [query, setQuery] = useState('');
  useFilter(buffer, query);
  const [following, setFollowing] = useState(true);
  /** Rows in the view when following stopped: the rest are "new". */
  const [seenCount, setSeenCount] = useState(0);
  /** While paused, only lines below this absolute number are shown. */
  const [pausedAt, setPausedAt] = useState<number | undefined>(undefined);
  const [notice, setNotice] = useState('');
  const root = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(''), 2500);
    return () => clearTimeout(timer);
  }, [notice]);

  const count = buffer.viewCount(pausedAt);
  const shownTotal = Math.max(0, Math.min(pausedAt ?? buffer.end, buffer.end) - buffer.start);
  const held = pausedAt === undefined ? 0 : buffer.end - pausedAt;

  const unfollow = () => {
    setFollowing(false);
    setSeenCount(count);
  };
  const jumpToLatest = () => {
    setPausedAt(undefined);
    setFollowing(true);
  };
  const copy = async () => {
    const selection = window.getSelection();
    const selected =
      selection && !selection.isCollapsed && root.current?.contains(selection.anchorNode)
        ? selection.toString()
        : '';
    const text = selected || buffer.viewText(pausedAt);
    const lines = selected ? selected.split('\n').length : count;
    const ok = await copyText(text);
    setNotice(ok ? `Copied ${plural(lines, 'line')}` : 'Could not copy: the clipboard refused');
  };

  const newLines = following ? 0 : count - seenCount;
  const filtered = query !== '';
  return (
    <section ref={root} className="log-viewer" data-testid="log-viewer" data-status={state.status}>
      <div className="log-toolbar">
        <input
          type="search"
          className="log-filter"
          placeholder="Filter"
          aria-label="Filter logs"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          spellCheck={false}
        />
        <span className="log-count" data-testid="log-count">
          {filtered
            ? `${buffer.scanning ? 'Filtering… ' : ''}${formatCount(count)} of ${plural(shownTotal, 'line')}`
            : plural(count, 'line')}
        </span>
        <span className="log-toolbar-gap" />
        <button
          type="button"
          className={`ghost-button small ${following ? 'active' : ''}`}
          aria-pressed={following}
          onClick={() => (following ? unfollow() : jumpToLatest())}
          title="Keep the newest line in view"
        >
          Follow
        </button>
        <button
          type="button"
          className={`ghost-button small ${pausedAt !== undefined ? 'active' : ''}`}
          onClick={() => setPausedAt(pausedAt === undefined ? buffer.end : undefined)}
          title="Stop showing new lines; they are still received"
        >
          {pausedAt === undefined ? 'Pause' : 'Resume'}
        </button>
        <button
          type="button"
          className="ghost-button small"
          // Keep a text selection in the log alive through the click: it is what gets copied.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void copy()}
          title="Copy the selection, or every line shown"
        >
          <CopyIcon size={14} />
          Copy
        </button>
      </div>
      <div className="log-body">
        <LogRows
          buffer={buffer}
          count={count}
          following={following}
          onUnfollow={unfollow}
          label={`Logs of ${workerId}`}
          empty={emptyText(state, query, buffer.size)}
        />
        {!following || held > 0 ? (
          <button type="button" className="button log-jump" onClick={jumpToLatest}>
            Jump to latest{newLines + held > 0 ? ` (${formatCount(newLines + held)} new)` : ''}
          </button>
        ) : null}
      </div>
      <div className="log-status" role="status" data-testid="log-status">
        <span className={`log-state log-state-${state.status}`}>{describeState(state)}</span>
        {pausedAt !== undefined ? <span>Paused: {plural(held, 'line')} held back</span> : null}
        {buffer.start > 0 ? (
          <span>
            {plural(buffer.start, 'oldest line')} dropped (keeps {formatCount(buffer.cap)})
          </span>
        ) : null}
        {notice ? <span className="log-notice">{notice}</span> : null}
      </div>
    </section>
  );
}

function emptyText(state: LogStreamState, query: string, size: number): string | undefined {
  if (query && size > 0) return `No lines match “${query}”.`;
  if (state.status === 'connecting') return 'Waiting for the log…';
  if (state.status === 'error') return 'No log lines: see the error below.';
  if (state.status === 'ended') return 'The log is empty.';
  return 'No log lines yet.';
}
