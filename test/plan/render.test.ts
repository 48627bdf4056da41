/** The views of a plan: valid DOT and Mermaid, a tree that lists every stage, a true summary. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '@ts-graphviz/ast';
import { planExperiment, type Plan } from '../../src/plan/index.ts';
import { planRenderers, planStats, shortKey, summaryLine, usesOf, type StageStates } from '../../src/plan/render/index.ts';
import { arm, catalogFor, corpus, dapt, domainSpec, experiment, spec, tapt, task } from './fixtures.ts';

/** Names no renderer may pass through unescaped. */
const nasty = 'we"ird\\arm <b>#1</b> & co\nnext';

function nastyPlan(): Plan {
  const e = experiment(
    'exp "quoted"',
    spec({ corpora: [corpus('bio#med')], tasks: [task('t"1')], arms: [arm('baseline', [], ['t"1']), arm(nasty, [dapt('bio#med'), tapt()], ['t"1'])] }),
  );
  return planExperiment(e, catalogFor([e]));
}

const plans: Array<[string, () => Plan]> = [
  ['names that need escaping', nastyPlan],
  ['a paper domain', () => {
    const e = experiment('biomed', domainSpec('biomed', ['chemprot', 'piboso'], 'reviews', [1, 2]));
    return planExperiment(e, catalogFor([e]));
  }],
];

const edgesOf = (plan: Plan): string[] => plan.stages.flatMap((s) => s.parents.map((p) => `${p}->${s.key}`)).sort();

describe('renderers', () => {
  for (const [name, make] of plans) {
    describe(name, () => {
      const plan = make();
      const states: StageStates = new Map([[plan.stages[0]!.key, 'done'], [plan.stages[1]!.key, 'partial']]);

      it('dot parses as a digraph with every stage and every edge', () => {
        const [graph] = parse(planRenderers.dot(plan, states)).children;
        assert.ok(graph && graph.type === 'Graph' && graph.directed, 'a digraph');
        const nodes = new Map<string, string>();
        const edges: string[] = [];
        for (const c of graph.children) {
          if (c.type === 'Node') {
            const label = c.children.find((a) => a.type === 'Attribute' && a.key.value === 'label');
            const value = label?.type === 'Attribute' ? label.value : undefined;
            nodes.set(c.id.value, typeof value === 'object' ? value.value : String(value));
          } else if (c.type === 'Edge') {
            const [from, to] = c.targets.map((t) => (t.type === 'NodeRef' ? t.id.value : ''));
            edges.push(`${from}->${to}`);
          }
        }
        assert.deepEqual([...nodes.keys()].sort(), plan.stages.map((s) => s.key).sort());
        assert.deepEqual(edges.sort(), edgesOf(plan));
        for (const s of plan.stages) {
          // DOT's lexer only unescapes \"; labels then read \\ and \n as escString escapes.
          const escString = s.title.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
          assert.ok(nodes.get(s.key)!.startsWith(escString), `${s.title} survives escaping`);
        }
      });

      it('mermaid is a flowchart with every stage and every edge, labels escaped', () => {
        const lines = planRenderers.mermaid(plan, states).trimEnd().split('\n');
        assert.match(lines[0]!, /^(graph|flowchart) (LR|TD|TB)$/);
        const nodes = new Set<string>();
        const edges: string[] = [];
        for (const l of lines.slice(1)) {
          const node = l.match(/^ {2}s([0-9a-f]{24})\["([^"]*)"\]:::(select|pretrain|finetune|evaluate|aggregate)$/);
          const edge = l.match(/^ {2}s([0-9a-f]{24}) --> s([0-9a-f]{24})$/);
          if (node) {
            nodes.add(node[1]!);
            assert.ok(!/[<>]/.test(node[2]!.replace(/<br\/>/g, '')), `no raw < or > in ${node[2]}`);
          } else if (edge) {
            assert.ok(nodes.has(edge[1]!) && nodes.has(edge[2]!), 'edges join declared nodes');
            edges.push(`${edge[1]}->${edge[2]}`);
          } else assert.match(l, /^ {2}classDef (select|pretrain|finetune|evaluate|aggregate) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}$/);
        }
        assert.equal(nodes.size, plan.stages.length);
        assert.deepEqual(edges.sort(), edgesOf(plan));
      });

      it('the tree lists every stage and ends with the summary', () => {
        const text = planRenderers.tree(plan, states);
        for (const s of plan.stages) assert.ok(text.includes(`${shortKey(s.key)} ${usesOf(s) > 1 ? '*' : ' '} ${s.title}`), s.title);
        assert.ok(text.includes('[done]') && text.includes('[partial]') && text.includes('[absent]'));
        assert.equal(text.trimEnd().split('\n').at(-1), summaryLine(planStats(plan, states)));
      });

      it('json is the plan itself', () => {
        assert.deepEqual(JSON.parse(planRenderers.json(plan)), plan);
      });
    });
  }

  it('the summary counts kinds, shared stages and done stages', () => {
    const e = experiment('biomed', domainSpec('biomed', ['chemprot', 'piboso'], 'reviews', [1, 2]));
    const plan = planExperiment(e, catalogFor([e]));
    const done = new Map(plan.stages.slice(0, 3).map((s) => [s.key, 'done' as const]));
    // 6 pretrain: DAPT and ¬DAPT (the 2 shared: several arms or tasks), TAPT ×2, TAPT-after-DAPT ×2;
    // 5 arms × 2 tasks × 2 seeds finetunes and evaluations; 1 aggregate.
    assert.equal(summaryLine(planStats(plan, done)), '47 stages (6 pretrain, 20 finetune, 20 evaluate, 1 aggregate), 2 shared, 3 done');
    assert.equal(summaryLine(planStats(plan)), '47 stages (6 pretrain, 20 finetune, 20 evaluate, 1 aggregate), 2 shared, no run store');
  });
});
