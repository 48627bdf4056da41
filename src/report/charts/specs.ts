/** Vega-Lite specs for the report's charts. Data is inlined; every spec is plain JSON. */
import type { TopLevelSpec } from 'vega-lite';

export interface CurveRow {
  /** Colour: one per stage or arm. */
  series: string;
  /** Dash style: e.g. `train loss` vs `held-out loss`. */
  line?: string;
  /** Separate lines within one colour (e.g. seeds). */
  detail?: string;
  x: number;
  y: number;
}

export interface CurveChart {
  title: string;
  xTitle: string;
  yTitle: string;
  seriesTitle: string;
  lineTitle?: string;
  /** Legend order (default: alphabetical). */
  seriesOrder?: string[];
  /** Whole-number x ticks (epochs). */
  integerX?: boolean;
  rows: CurveRow[];
}

const WIDTH = 460;
const HEIGHT = 220;

export function curveSpec(c: CurveChart): TopLevelSpec {
  const hasLine = c.rows.some((r) => r.line !== undefined);
  const hasDetail = c.rows.some((r) => r.detail !== undefined);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: c.rows },
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: c.xTitle, ...(c.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}) },
      y: { field: 'y', type: 'quantitative', title: c.yTitle, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: c.seriesTitle, ...(c.seriesOrder ? { sort: c.seriesOrder } : {}) },
      ...(hasLine ? { strokeDash: { field: 'line', type: 'nominal', title: c.lineTitle ?? '' } } : {}),
      ...(hasDetail ? { detail: { field: 'detail', type: 'nominal' } } : {}),
    },
  };
}

export interface SweepRow {
  series: string;
  x: number | string;
  y: number;
  /** Error bar ends (mean ± std); omitted when there is no spread to show. */
  lo?: number;
  hi?: number;
}

export interface SweepChart {
  title: string;
  xTitle: string;
  /** `quantitative` when the swept values are numbers, else points in plan order. */
  xType: 'quantitative' | 'ordinal';
  xOrder?: string[];
  yTitle: string;
  seriesOrder?: string[];
  rows: SweepRow[];
}

export function sweepSpec(c: SweepChart): TopLevelSpec {
  const x = c.xType === 'quantitative'
    ? { field: 'x', type: 'quantitative' as const, title: c.xTitle, scale: { zero: false } }
    : { field: 'x', type: 'ordinal' as const, title: c.xTitle, ...(c.xOrder ? { sort: c.xOrder } : {}) };
  const color = { field: 'series', type: 'nominal' as const, title: 'arm', ...(c.seriesOrder ? { sort: c.seriesOrder } : {}) };
  const y = { field: 'y', type: 'quantitative' as const, title: c.yTitle, scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: c.rows },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y, color } },
      {
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'rule', opacity: 0.6 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: c.yTitle }, y2: { field: 'hi' }, color },
      },
    ],
  };
}
