/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node: vega-lite compiles it to Vega,
 * vega renders headlessly (no canvas, no fonts embedded). Element ids are prefixed so several
 * charts can sit inline in one HTML page without their clip paths colliding.
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const BASE_CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 400 },
  title: { fontSize: 12 },
};

/** Makes the element ids of a vega SVG unique to one figure (and the references to them). */
export function prefixSvgIds(svg: string, id: string): string {
  const prefix = `${id.replace(/[^A-Za-z0-9_-]/g, '_')}-`;
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
}

export async function renderChart(spec: TopLevelSpec, id: string): Promise<string> {
  const full = { ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new View(parse(compile(full).spec), { renderer: 'none' });
  try {
    return prefixSvgIds(await view.toSVG(), id);
  } finally {
    view.finalize();
  }
}
