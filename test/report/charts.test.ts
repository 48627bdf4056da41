import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from '../../src/report/charts/render.ts';
import { curveSpec, sweepSpec } from '../../src/report/charts/specs.ts';
import { thin } from '../../src/report/sections/curves.ts';
import { sweepAxis } from '../../src/report/sections/sweep.ts';

/** Checks the markup nests properly (every opened element is closed in order) and returns the element names seen. */
function checkWellFormed(svg: string): Map<string, number> {
  const stack: string[] = [];
  const seen = new Map<string, number>();
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else {
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (!selfClosing) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  return seen;
}

describe('charts', () => {
  it('render a line chart to well-formed, small SVG with prefixed ids', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => [
      { series: 'pretrain dapt', line: 'training loss', x: i, y: 5 - i * 0.05 },
      { series: 'pretrain tapt', line: 'training loss', x: i, y: 4 - i * 0.03 },
    ]).flat();
    const svg = await renderChart(curveSpec({ title: 'Loss', xTitle: 'step', yTitle: 'MLM loss', seriesTitle: 'stage', lineTitle: 'curve', rows }), 'fig-1');
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const elements = checkWellFormed(svg);
    assert.ok((elements.get('path') ?? 0) >= 2, 'one path per series at least');
    assert.ok(svg.includes('>MLM loss<') && svg.includes('>pretrain tapt<'), 'axis title and legend label');
    const ids = [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(ids.length > 0 && ids.every((id) => id.startsWith('fig-1-')));
    for (const ref of svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref[1] as string), `dangling reference ${ref[1]}`);
    assert.doesNotMatch(svg, /@font-face|<image|base64/);
    assert.ok(svg.length < 60_000, `SVG is ${svg.length} bytes`);
  });

  it('render a sweep chart with error bars', async () => {
    const svg = await renderChart(
      sweepSpec({
        title: 'dev F1 by probability', xTitle: 'probability', xType: 'quantitative', yTitle: 'dev F1',
        rows: [
          { series: 'dapt', x: 0.15, y: 80, lo: 79, hi: 81 },
          { series: 'dapt', x: 0.3, y: 82, lo: 80, hi: 84 },
          { series: 'tapt', x: 0.15, y: 78 },
          { series: 'tapt', x: 0.3, y: 79 },
        ],
      }),
      'sweep',
    );
    checkWellFormed(svg);
    assert.match(svg, />probability</);
    assert.match(svg, />dev F1</);
    // Two error bars (rules) for the rows that have lo/hi, none for the others.
    assert.equal((svg.match(/aria-roledescription="rule mark"/g) ?? []).length, 2);
  });

  it('name the sweep axis from `field=value` point names', () => {
    const q = sweepAxis(['probability=0.15', 'probability=0.3']);
    assert.equal(q.type, 'quantitative');
    assert.equal(q.title, 'probability');
    assert.equal(q.value.get('probability=0.3'), 0.3);
    const o = sweepAxis(['linear', 'cosine']);
    assert.equal(o.type, 'ordinal');
    assert.equal(o.value.get('cosine'), 'cosine');
    assert.equal(sweepAxis(['a=1', 'b=2']).type, 'ordinal');
  });

  it('plot a two-field grid along its numeric field, one line per other value', () => {
    const points = ['probability=0.15,schedule=constant', 'probability=0.15,schedule=linear-0.05', 'probability=0.3,schedule=constant', 'probability=0.3,schedule=linear-0.05'];
    const a = sweepAxis(points);
    assert.equal(a.type, 'quantitative');
    assert.equal(a.title, 'probability');
    assert.deepEqual(points.map((p) => a.value.get(p)), [0.15, 0.15, 0.3, 0.3]);
    assert.deepEqual(points.map((p) => a.group.get(p)), ['schedule=constant', 'schedule=linear-0.05', 'schedule=constant', 'schedule=linear-0.05']);
    const s = sweepAxis(['schedule=constant,warmup=0.06', 'schedule=linear,warmup=0.06']);
    assert.equal(s.type, 'ordinal');
    assert.equal(s.title, 'schedule');
    assert.equal(s.group.get('schedule=linear,warmup=0.06'), null);
  });

  it('thin long curves evenly, keeping both ends', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => i);
    const t = thin(rows, 11);
    assert.deepEqual(t, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.deepEqual(thin([1, 2, 3], 11), [1, 2, 3]);
  });
});
