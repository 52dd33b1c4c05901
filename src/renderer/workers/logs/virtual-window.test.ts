import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, rowWindow, scrollTopForRow } from './virtual-window';

describe('rowWindow', () => {
  it('renders the visible rows plus overscan, placed at index × height', () => {
    const w = rowWindow(200_000, 18, 18 * 1000, 360, 5);
    expect(w.contentHeight).toBe(3_600_000);
    expect(w.first).toBe(995);
    expect(w.last).toBe(1000 + 21 + 5);
    expect(w.top(1000)).toBe(18_000);
    expect(w.top(1001)).toBe(18_018);
  });

  it('clamps at both ends and handles an empty list', () => {
    expect(rowWindow(0, 18, 0, 400)).toMatchObject({ first: 0, last: 0, contentHeight: 0 });
    const end = rowWindow(100, 18, 1e9, 360, 0);
    expect(end.last).toBe(100);
    expect(end.top(99) + 18).toBe(1800);
    expect(rowWindow(100, 18, -50, 360, 0).first).toBe(0);
  });

  it('scales the scroll range past the height cap and still reaches the last row', () => {
    const count = 2_000_000; // 36M px unscaled
    const top = rowWindow(count, 18, 0, 360, 0);
    expect(top.contentHeight).toBe(MAX_SCROLL_PX);
    expect(top.first).toBe(0);
    expect(top.top(0)).toBe(0);
    const bottom = rowWindow(count, 18, MAX_SCROLL_PX - 360, 360, 0);
    expect(bottom.last).toBe(count);
    // The last row ends exactly at the bottom edge of the viewport.
    expect(bottom.top(count - 1) + 18).toBeCloseTo(MAX_SCROLL_PX, 6);
    // Rows stay 18 px apart wherever the scroll is.
    const middle = rowWindow(count, 18, 4_000_000, 360, 0);
    expect(middle.top(middle.first + 1) - middle.top(middle.first)).toBe(18);
    expect(middle.first).toBeGreaterThan(790_000);
    expect(middle.first).toBeLessThan(810_000);
  });

  it('scrollTopForRow is the inverse, scaled or not', () => {
    expect(scrollTopForRow(1000, 200_000, 18, 360)).toBe(18_000);
    const scroll = scrollTopForRow(1_234_567, 2_000_000, 18, 360);
    expect(rowWindow(2_000_000, 18, scroll, 360, 0).first).toBe(1_234_567);
  });
});
