import { useId, useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { HISTORY_MS, type GpuSample } from '../../shared/events';
import { HoverMarks, Readout, summary } from './history-readout';
import {
  areaPath,
  gaps,
  linePath,
  memoryPct,
  nearestSample,
  runs,
  TEMP_MAX_C,
  timeAt,
  xOf,
  yOf,
  type Frame,
} from './history-scale';
import './history-chart.css';

interface HistoryChartProps {
  samples: { at: number; value: GpuSample }[];
  totalMemoryBytes: number | null;
  now: number;
}

// Fixed plot geometry: the chart is as wide as its card but always this tall, labels included.
const HEIGHT = 148;
const PAD = { top: 8, right: 38, bottom: 20, left: 36 };
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
const READOUT_W = 190;
const GRID_PCT = [0, 25, 50, 75, 100];
const TICK_MIN = [10, 8, 6, 4, 2, 0];

type SeriesKey = 'mem' | 'util' | 'temp';

/**
 * The last ten minutes of one GPU: VRAM and utilisation in % (left axis), temperature in °C
 * (right axis, same grid). Hand-drawn SVG: three series at one point every 5 s need no library.
 */
export function HistoryChart({ samples, totalMemoryBytes, now }: HistoryChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useWidth(boxRef);
  const [hoverX, setHoverX] = useState<number | null>(null);
  // useId's colons and guillemets are not valid in url(#…) references.
  const clipId = `history-clip-${useId().replace(/[^\w-]/g, '')}`;
  const plotW = Math.max(0, width - PAD.left - PAD.right);
  const windowStart = now - HISTORY_MS;

  const paths = useMemo(() => {
    const frame: Frame = { width: plotW, height: PLOT_H, now, max: 100 };
    const pickers: Record<SeriesKey, (s: GpuSample) => number | null> = {
      mem: (s) => memoryPct(s.memory_used_bytes, totalMemoryBytes),
      util: (s) => s.utilization_pct,
      temp: (s) => s.temperature_c,
    };
    const draw = (key: SeriesKey) => {
      const f = key === 'temp' ? { ...frame, max: TEMP_MAX_C } : frame;
      const rs = runs(samples, pickers[key], windowStart);
      const last = rs[rs.length - 1]?.at(-1);
      return {
        line: rs.map((r) => linePath(r, f)).join(''),
        area: key === 'mem' ? rs.map((r) => areaPath(r, f)).join('') : '',
        // The newest point gets a dot only while it is recent: a stale end is not "now".
        dot:
          last && now - last.at < 15_000
            ? { x: xOf(last.at, now, plotW), y: yOf(last.value, PLOT_H, f.max) }
            : null,
      };
    };
    return { mem: draw('mem'), util: draw('util'), temp: draw('temp') };
  }, [samples, totalMemoryBytes, now, plotW, windowStart]);

  const gapBands = useMemo(() => gaps(samples, windowStart), [samples, windowStart]);
  const latest = samples[samples.length - 1]?.value ?? null;
  const hoverAt = hoverX === null ? null : timeAt(hoverX, now, plotW);
  const hovered = hoverAt === null ? null : nearestSample(samples, hoverAt);

  const onMove = (event: PointerEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left - PAD.left;
    setHoverX(x < 0 || x > plotW ? null : x);
  };

  const readoutX = hovered ? xOf(hovered.at, now, plotW) : (hoverX ?? 0);
  const flip = PAD.left + readoutX + 14 + READOUT_W > width;

  return (
    <figure className="history-chart">
      <figcaption className="history-head">
        <span className="history-title">Last 10 minutes</span>
        <ul className="history-legend" aria-hidden="true">
          <li data-series="mem">VRAM %</li>
          <li data-series="util">Utilisation %</li>
          <li data-series="temp">Temperature °C</li>
        </ul>
      </figcaption>
      <div className="history-plot" ref={boxRef} style={{ height: HEIGHT }}>
        <svg
          role="img"
          aria-label={summary(latest, totalMemoryBytes, samples.length)}
          width={width}
          height={HEIGHT}
          onPointerMove={onMove}
          onPointerLeave={() => setHoverX(null)}
          data-testid="history-chart"
        >
          {width > 0 ? (
            <g transform={`translate(${PAD.left} ${PAD.top})`}>
              <defs>
                <clipPath id={clipId}>
                  <rect x={0} y={-4} width={plotW} height={PLOT_H + 8} />
                </clipPath>
                <linearGradient id={`${clipId}-fill`} x1="0" x2="0" y1="0" y2="1">
                  <stop offset="0" className="history-fill-top" />
                  <stop offset="1" className="history-fill-bottom" />
                </linearGradient>
              </defs>
              {GRID_PCT.map((pct) => {
                const y = yOf(pct, PLOT_H);
                return (
                  <g key={pct} className="history-grid">
                    <line x1={0} x2={plotW} y1={y} y2={y} data-base={pct === 0 || undefined} />
                    {pct % 50 === 0 ? (
                      <>
                        <text x={-6} y={y} textAnchor="end" dominantBaseline="middle">
                          {pct}%
                        </text>
                        <text
                          x={plotW + 6}
                          y={y}
                          dominantBaseline="middle"
                          className="history-temp-tick"
                        >
                          {(pct / 100) * TEMP_MAX_C}°
                        </text>
                      </>
                    ) : null}
                  </g>
                );
              })}
              {TICK_MIN.map((min) => {
                const x = xOf(now - min * 60_000, now, plotW);
                return (
                  <text
                    key={min}
                    className="history-time-tick"
                    x={x}
                    y={PLOT_H + 14}
                    textAnchor={min === 10 ? 'start' : min === 0 ? 'end' : 'middle'}
                  >
                    {min === 0 ? 'now' : `−${min} min`}
                  </text>
                );
              })}
              <g clipPath={`url(#${clipId})`}>
                {gapBands.map(([from, to]) => {
                  const x0 = xOf(from, now, plotW);
                  const w = Math.max(1, xOf(to, now, plotW) - x0);
                  return (
                    <g key={from} className="history-gap">
                      <rect x={x0} y={0} width={w} height={PLOT_H} />
                      {w >= 40 ? (
                        <text x={x0 + w / 2} y={PLOT_H / 2} textAnchor="middle">
                          no data
                        </text>
                      ) : null}
                    </g>
                  );
                })}
                <path
                  className="history-area"
                  data-series="mem"
                  d={paths.mem.area}
                  fill={`url(#${clipId}-fill)`}
                />
                <path className="history-line" data-series="mem" d={paths.mem.line} />
                <path className="history-line" data-series="util" d={paths.util.line} />
                <path className="history-line" data-series="temp" d={paths.temp.line} />
                {(['mem', 'util', 'temp'] as const).map((key) => {
                  const dot = paths[key].dot;
                  return dot ? (
                    <circle
                      key={key}
                      className="history-dot"
                      data-series={key}
                      cx={dot.x}
                      cy={dot.y}
                      r={2.5}
                    />
                  ) : null;
                })}
              </g>
              {hoverX !== null ? (
                <HoverMarks
                  plotH={PLOT_H}
                  x={readoutX}
                  sample={hovered}
                  totalMemoryBytes={totalMemoryBytes}
                />
              ) : null}
            </g>
          ) : null}
        </svg>
        {hoverAt !== null ? (
          <div
            className="history-readout"
            data-testid="history-readout"
            style={{
              width: READOUT_W,
              left: flip ? PAD.left + readoutX - 14 - READOUT_W : PAD.left + readoutX + 14,
            }}
          >
            <Readout
              at={hovered?.at ?? hoverAt}
              sample={hovered?.value ?? null}
              now={now}
              totalMemoryBytes={totalMemoryBytes}
            />
          </div>
        ) : null}
      </div>
    </figure>
  );
}

/** The element's width in CSS pixels, kept current; SVG text must not stretch with a viewBox. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(Math.floor(el.getBoundingClientRect().width));
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
