/** The overlap heatmap (the paper's Figure 2) as a Vega-Lite spec, rendered headlessly to SVG. */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { OverlapMatrix } from './types.ts';

export function overlapHeatmapSpec(m: OverlapMatrix): TopLevelSpec {
  const rows = m.names.flatMap((a, i) => m.names.map((b, j) => ({ a, b, overlap: m.overlap[i]![j]!, jaccard: m.jaccard[i]![j]! })));
  const size = Math.max(160, 56 * m.names.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Vocabulary overlap (%), top ${m.top.toLocaleString('en-US')} words`, subtitle: '100 × words in both top lists / min(|Va|, |Vb|); stopwords excluded' },
    width: size,
    height: size,
    data: { values: rows },
    encoding: {
      x: { field: 'b', type: 'nominal', sort: m.names, title: null, axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'a', type: 'nominal', sort: m.names, title: null },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'overlap', type: 'quantitative', title: 'overlap %', scale: { scheme: 'blues', domain: [0, 100] } },
          tooltip: [
            { field: 'a', type: 'nominal' },
            { field: 'b', type: 'nominal' },
            { field: 'overlap', type: 'quantitative', format: '.1f' },
            { field: 'jaccard', type: 'quantitative', format: '.1f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'overlap', type: 'quantitative', format: '.1f' },
          color: { condition: { test: 'datum.overlap > 60', value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, domain: false, ticks: false } },
  };
}

/** The heatmap as a standalone SVG document. */
export async function renderOverlapHeatmap(m: OverlapMatrix): Promise<string> {
  const view = new View(parse(compile(overlapHeatmapSpec(m)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
