/**
 * Which rows of a fixed-row-height list are on screen. Hand-written rather than
 * @tanstack/react-virtual (not installable here), and because logs need one thing it lacks:
 * browsers cap an element's height (about 16.7M px in Chromium, 33.5M in Firefox), so past
 * MAX_SCROLL_PX the scroll range is scaled down and rows are placed relative to the scroll
 * position instead of at `index * rowHeight`.
 */

export const MAX_SCROLL_PX = 10_000_000;

export interface RowWindow {
  /** First row to render, inclusive. */
  first: number;
  /** Last row to render, exclusive. */
  last: number;
  /** Height of the scrolled content (the spacer). */
  contentHeight: number;
  /** Top of row `index` in content pixels. */
  top: (index: number) => number;
}

export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 10,
): RowWindow {
  const contentHeight = Math.min(count * rowHeight, MAX_SCROLL_PX);
  const maxScroll = Math.max(0, contentHeight - viewportHeight);
  const scroll = Math.min(Math.max(0, scrollTop), maxScroll);
  // The row at the top edge, fractional. Unscaled it is scroll / rowHeight; scaled, the scroll
  // fraction is mapped onto the rows that can be at the top edge.
  const topRows = Math.max(0, count - viewportHeight / rowHeight);
  const firstExact =
    count * rowHeight <= MAX_SCROLL_PX
      ? scroll / rowHeight
      : maxScroll > 0
        ? (scroll / maxScroll) * topRows
        : 0;
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const first = Math.max(0, Math.floor(firstExact) - overscan);
  const last = Math.min(count, Math.floor(firstExact) + visible + overscan);
  return {
    first,
    last,
    contentHeight,
    top: (index) => scroll + (index - firstExact) * rowHeight,
  };
}

/** The scrollTop that puts row `index` at the top edge (the inverse of `rowWindow`). */
export function scrollTopForRow(
  index: number,
  count: number,
  rowHeight: number,
  viewportHeight: number,
): number {
  const contentHeight = Math.min(count * rowHeight, MAX_SCROLL_PX);
  const maxScroll = Math.max(0, contentHeight - viewportHeight);
  if (count * rowHeight <= MAX_SCROLL_PX) return Math.min(index * rowHeight, maxScroll);
  const topRows = Math.max(1, count - viewportHeight / rowHeight);
  return Math.min((index / topRows) * maxScroll, maxScroll);
}
