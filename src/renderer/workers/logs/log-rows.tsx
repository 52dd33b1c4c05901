import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { LogBuffer } from './log-buffer';
import { rowWindow } from './virtual-window';

/** Must match `.log-row` height in log-viewer.css. */
export const ROW_HEIGHT = 18;

interface LogRowsProps {
  buffer: LogBuffer;
  /** Rows in the view (all kept lines, the filter's matches, or fewer while paused). */
  count: number;
  following: boolean;
  /** The person scrolled up (wheel, keys, scrollbar): stop following. */
  onUnfollow: () => void;
  label: string;
  /** Shown over the empty list. */
  empty?: ReactNode;
}

/**
 * The virtualized list: a spacer as tall as all rows gives the scrollbar its range, and only
 * the rows on screen plus an overscan are in the DOM (about 60 at any size of log).
 */
export function LogRows({ buffer, count, following, onUnfollow, label, empty }: LogRowsProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Following renders the bottom rows directly (not the last known scroll position), so new
  // lines never flash in blank before the scroll event catches up.
  const win = rowWindow(count, ROW_HEIGHT, following ? Infinity : scrollTop, height);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (following && el) el.scrollTop = el.scrollHeight;
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    // Only a scroll away from the bottom counts: following's own scrolls always end there.
    if (following && el.scrollTop < el.scrollHeight - el.clientHeight - ROW_HEIGHT) onUnfollow();
  };

  const rows = buffer.viewRange(win.first, win.last);
  const digits = String((rows.at(-1)?.n ?? 0) + 1).length;
  return (
    <div
      ref={scroller}
      className="log-scroller"
      role="log"
      aria-label={label}
      // role=log is a polite live region by default: at thousands of lines a second a screen
      // reader would read nothing else. The status line says what changes instead.
      aria-live="off"
      tabIndex={0}
      onScroll={onScroll}
      onWheel={(e) => {
        if (following && e.deltaY < 0) onUnfollow();
      }}
      onKeyDown={(e) => {
        if (following && ['ArrowUp', 'PageUp', 'Home'].includes(e.key)) onUnfollow();
      }}
      style={{ ['--log-gutter' as string]: `${Math.max(4, digits)}ch` }}
    >
      <div className="log-spacer" style={{ height: win.contentHeight }}>
        {/* One positioned block of rows in normal flow: rows placed one by one (absolute, a
            transform each) cost about twice the layout per frame, and a property-tree node each
            for the compositor, when following thousands of lines a second. */}
        <div
          className="log-rows"
          style={{ transform: `translateY(${rows.length > 0 ? win.top(win.first) : 0}px)` }}
        >
          {rows.map((row, i) => (
            <div
              // Keyed by slot, not line: at thousands of lines a second every row is new each
              // frame, and updating 60 rows' text is cheaper than replacing their DOM nodes.
              key={i}
              className="log-row"
              data-testid="log-line"
            >
              <span className="log-line-number" aria-hidden="true">
                {row.n + 1}
              </span>
              <span className="log-text">{row.text}</span>
            </div>
          ))}
        </div>
      </div>
      {count === 0 && empty ? <div className="log-empty">{empty}</div> : null}
    </div>
  );
}
