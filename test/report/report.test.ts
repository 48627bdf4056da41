import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ReportResult, generateReport } from '../../src/report/index.ts';
import { type Fixture, evKey, ftKey, makeFixture, runAggregate } from './_fixture.ts';

const read = (p: string) => readFileSync(p, 'utf8');

/** Every `|`-separated row of the Markdown table whose first cell is `first`, after the caption `caption`. */
function mdRow(md: string, caption: string, first: string): string[] {
  const section = md.slice(md.indexOf(`**${caption}**`));
  const line = section.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `no row "${first}" under "${caption}"`);
  return line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
}

describe('report of a finished run', () => {
  let f: Fixture;
  let out: ReportResult;
  let md: string;
  let html: string;
  before(async () => {
    f = makeFixture({ partial: false });
    await runAggregate(f);
    out = await generateReport({ plan: f.plan, storeDir: f.storeDir, format: 'latex' });
    md = read(out.markdownPath);
    html = read(out.htmlPath);
  });
  after(() => f.cleanup());

  it('writes report.md, report.html and figures into <store>/reports/<experiment>/', () => {
    const dir = join(f.storeDir, 'reports', 'demo');
    assert.equal(out.markdownPath, join(dir, 'report.md'));
    assert.equal(out.htmlPath, join(dir, 'report.html'));
    assert.ok(existsSync(join(dir, 'report.tex')));
    const figures = readdirSync(join(dir, 'figures'));
    assert.ok(figures.includes('curves-pretrain-default.svg'));
    assert.ok(figures.includes('curves-finetune-default-chemprot.svg'));
    for (const fig of figures) assert.ok(md.includes(`figures/${fig}`), `${fig} is linked from report.md`);
    assert.match(md, /Complete: the aggregate stage has run; 12 of 12/);
  });

  it('shows mean ± sample std ×100 with seed counts, dev and test, and the paper targets', () => {
    // Header: Arm | chemprot dev | chemprot test | chemprot paper | acl dev | acl test
    // roberta chemprot dev [.80,.82,.81] → 81.0 ± 1.0; test [.78,.81,.80] → 79.7 ± 1.5 (std 0.0152753).
    // roberta acl dev [.61,.65,.63] → 63.0 ± 2.0; test [.60,.64,.62] → 62.0 ± 2.0.
    assert.deepEqual(mdRow(md, 'Results', 'roberta (baseline)'), ['roberta (baseline)', '81.0 ± 1.0 (3/3)', '79.7 ± 1.5 (3/3)', '81.9 ± 1.0', '63.0 ± 2.0 (3/3)', '62.0 ± 2.0 (3/3)']);
    // dapt chemprot dev [.83,.84,.86] → 84.3 ± 1.5; test [.80,.82,.85] → 82.3 ± 2.5 (std 0.0251661).
    // dapt acl dev [.67,.69,.71] → 69.0 ± 2.0; test [.66,.69,.72] → 69.0 ± 3.0.
    assert.deepEqual(mdRow(md, 'Results', 'dapt'), ['dapt', '84.3 ± 1.5 (3/3)', '82.3 ± 2.5 (3/3)', '84.2 ± 0.2', '69.0 ± 2.0 (3/3)', '69.0 ± 3.0 (3/3)']);
    assert.match(md, /the paper's RoBERTa numbers/);
  });

  it('shows paired tests against the baseline', () => {
    // chemprot test: d = [.02,.01,.05] → Δ +2.7, t = 8/√13 = 2.22, df 2, p = 1 − 8/√90 = 0.157;
    // Wilcoxon W+ = 6 of n = 3, p = 2/8 = 0.250.
    const caption = 'Differences from the baseline `roberta`';
    const lines = md.slice(md.indexOf(caption)).split('\n').filter((l) => l.startsWith('| dapt |'));
    // MDE = d_z × sd with d_z = 3.264 for 3 pairs at power 0.8, α = .05 (statsmodels TTestPower): 3.264 × .0208167 = ±6.8.
    // Wilcoxon with 3 pairs cannot go below p = 0.25, so no p is printed.
    assert.deepEqual(lines[1]?.split(' | ').slice(1, 11), ['chemprot', 'test', '+2.7', '±6.8', '3 (1, 2, 3)', '2.22', '2', '0.157', '6.0 (n=3)', 'n/a (n<6)']);
    // acl test: d = [.06,.05,.10] → mean .07, sd √(1.4e-3/2) = .0264575, t = √21 = 4.58, p = 1 − √(21/23) = 0.0445.
    assert.deepEqual(lines[3]?.split(' | ').slice(1, 9), ['acl', 'test', '+7.0', '±8.6', '3 (1, 2, 3)', '4.58', '2', '0.044']);
  });

  it('reports MLM losses, compute, resampled seeds and provenance', () => {
    assert.deepEqual(mdRow(md, 'Held-out MLM loss (perplexity)', 'base'), ['base', '2.500 (ppl 12.2)']);
    assert.deepEqual(mdRow(md, 'Held-out MLM loss (perplexity)', 'dapt'), ['dapt', '2.000 (ppl 7.4)']);
    assert.match(md, /15% masked, 0.8\/0.1\/0.1 mask\/random\/keep, seed 0 for every model/);
    const stage = mdRow(md, 'Pretraining and selection stages', 'pretrain dapt(biomed) default');
    assert.deepEqual(stage.slice(1, 7), ['dapt', '100', '51.2k', '2 min 0 s', 'wasm', 'done']);
    // dapt: 1 pretraining stage (120 s) + 6 fine-tunes × 30 s + 6 evaluates × 2 s = 312 s.
    const arm = mdRow(md, 'Compute per arm', 'dapt');
    assert.deepEqual(arm.slice(1, 11), ['1', '100', '51.2k', '2 min 0 s', '—', '6', '360', '3 min 0 s', '12.0 s', '5 min 12 s']);
    assert.match(md, /roberta \/ chemprot seed 2: resampled 1×, final model trained with seed 1002/);
    assert.ok(md.includes(`\`${evKey('dapt', 'chemprot', 1)}\` | \`run-${evKey('dapt', 'chemprot', 1)}\` | \`${ftKey('dapt', 'chemprot', 1)}\``));
    assert.match(md, /aggregate stage `agg-demo`/);
  });

  it('writes a self-contained HTML page with the same numbers and inline charts', () => {
    assert.ok(html.includes('<td class="r">79.7 ± 1.5 (3/3)</td>'));
    assert.ok(html.includes('<td class="r">82.3 ± 2.5 (3/3)</td>'));
    assert.ok(html.includes('<td class="r">0.157</td>'));
    const svgs = html.match(/<svg[\s>]/g) ?? [];
    assert.equal(svgs.length, readdirSync(join(f.storeDir, 'reports', 'demo', 'figures')).length);
    assert.doesNotMatch(html, /<script|<link|src="http|@import|@font-face/);
    // Inline SVG ids are unique across the page (vega's clip paths would collide otherwise).
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('renders LaTeX (booktabs) and a terminal table', () => {
    assert.ok(out.latex);
    assert.match(out.latex, /\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
    assert.ok(out.latex.includes('roberta & $81.0_{\\pm 1.0}$ & $79.7_{\\pm 1.5}$ & $81.9_{\\pm 1.0}$ & $63.0_{\\pm 2.0}$ & $62.0_{\\pm 2.0}$ \\\\'));
    assert.ok(out.latex.includes('dapt & $84.3_{\\pm 1.5}$ & $82.3_{\\pm 2.5}$ & $84.2_{\\pm 0.2}$'));
    assert.match(out.table, /demo: 12\/12 results/);
    assert.match(out.table, /roberta \(baseline\)\s+81\.0 ± 1\.0 \(3\/3\)\s+79\.7 ± 1\.5 \(3\/3\)/);
  });
});

describe('report of an unfinished run', () => {
  let f: Fixture;
  let md: string;
  before(async () => {
    f = makeFixture({ partial: true });
    // Also lose roberta/acl seed 1 entirely (neither fine-tuned nor evaluated).
    for (const key of [ftKey('roberta', 'acl', 1), evKey('roberta', 'acl', 1)]) rmSync(join(f.storeDir, 'stages', key, 'manifest.json'));
    const out = await generateReport({ plan: f.plan, storeDir: f.storeDir, outDir: join(f.storeDir, 'elsewhere') });
    assert.equal(out.markdownPath, join(f.storeDir, 'elsewhere', 'report.md'));
    md = read(out.markdownPath);
  });
  after(() => f.cleanup());

  it('says it is partial and which cells are missing', () => {
    assert.match(md, /Partial: 10 of 12 planned results are complete/);
    assert.match(md, /- roberta \/ acl: no result for seeds 1/);
    assert.match(md, /- dapt \/ acl: dev only \(evaluate pending\) for seeds 3/);
  });

  it('computes over the seeds that exist, marks differing seeds and finetune-only dev scores', () => {
    // roberta acl: dev [.65,.63] → 64.0 ± 1.4 (std .0141421); test [.64,.62] → 63.0 ± 1.4. Seeds {2,3} ≠ dapt's.
    // dapt acl: dev [.67,.69,.71(from finetune)] → 69.0 ± 2.0 †; test [.66,.69] → 67.5 ± 2.1 (std .0212132).
    const base = mdRow(md, 'Results', 'roberta (baseline)');
    assert.deepEqual(base.slice(4), ['64.0 ± 1.4 (2/3)', '63.0 ± 1.4 (2/3)']);
    const dapt = mdRow(md, 'Results', 'dapt');
    assert.deepEqual(dapt.slice(4), ['69.0 ± 2.0 (3/3)‡†', '67.5 ± 2.1 (2/3)‡']);
  });

  it('tests only the shared seeds and says when it cannot', () => {
    const lines = md.slice(md.indexOf('Differences from the baseline')).split('\n').filter((l) => l.startsWith('| dapt | acl |'));
    // dev: shared seeds {2,3}: d = [.69−.65, .71−.63] = [.04,.08] → Δ +6.0, sd .0282843, se .02, t = 3.00, df 1,
    // p = 2·atan(1/3)/π = 0.205; Wilcoxon over 2 positive pairs: W+ = 3, p = 2/4 = 0.5.
    // MDE with 2 pairs: d_z = 11.55 (statsmodels) × .0282843 = ±32.7.
    assert.deepEqual(lines[0]?.split(' | ').slice(1, 11), ['acl', 'dev', '+6.0', '±32.7', '2 (2, 3) ‡', '3.00', '1', '0.205', '3.0 (n=2)', 'n/a (n<6)']);
    // test: only seed 2 is shared: Δ = .69 − .64 = +5.0 and no test.
    const test = lines[1]?.split(' | ') ?? [];
    assert.deepEqual(test.slice(1, 11), ['acl', 'test', '+5.0', '—', '1 (2) ‡', '—', '—', '—', '—', '—']);
    assert.match(lines[1] ?? '', /n<2: no test/);
  });
});

describe('report of a sweep', () => {
  let f: Fixture;
  let md: string;
  before(async () => {
    f = makeFixture({ partial: false, points: ['probability=0.15', 'probability=0.3'] });
    await runAggregate(f);
    md = read((await generateReport({ plan: f.plan, storeDir: f.storeDir })).markdownPath);
  });
  after(() => f.cleanup());

  it('has one table per point and sweep plots', () => {
    assert.match(md, /\*\*Results — point `probability=0.15`\*\*/);
    assert.match(md, /\*\*Results — point `probability=0.3`\*\*/);
    // The second point's scores are the first's + 0.01 (fixture): roberta chemprot test → 80.7 ± 1.5.
    assert.equal(mdRow(md, 'Results — point `probability=0.3`', 'roberta (baseline)')[2], '80.7 ± 1.5 (3/3)');
    const figures = readdirSync(join(f.storeDir, 'reports', 'demo', 'figures'));
    for (const fig of ['sweep-dev-chemprot.svg', 'sweep-dev-acl.svg', 'sweep-perplexity-biomed.svg']) assert.ok(figures.includes(fig), fig);
    const svg = read(join(f.storeDir, 'reports', 'demo', 'figures', 'sweep-perplexity-biomed.svg'));
    assert.match(svg, />probability</);
    // Perplexities come from the MLM evaluate stages: base e^2.5 = 12.18, dapt e^2.0 = 7.39 at both points.
    assert.match(svg, /probability: 0\.3; perplexity: 7\.389\d*; arm: dapt/);
  });
});

describe('report with a dropped seed', () => {
  let f: Fixture;
  let md: string;
  before(async () => {
    f = makeFixture({ partial: false });
    // The finetune stage of dapt/chemprot seed 1 dropped it as degenerate (policy `drop`), as src/stages/finetune.ts records it.
    const path = join(f.storeDir, 'stages', ftKey('dapt', 'chemprot', 1), 'metrics.json');
    const metrics = JSON.parse(read(path));
    metrics.metrics.degenerate = 1;
    metrics.details.degenerate = { policy: 'drop', threshold: 0.5, attempts: [], dropped: true };
    writeFileSync(path, JSON.stringify(metrics));
    await runAggregate(f);
    md = read((await generateReport({ plan: f.plan, storeDir: f.storeDir })).markdownPath);
  });
  after(() => f.cleanup());

  it('excludes it from means and tests and says so', () => {
    // dapt chemprot test without seed 1: [.82,.85] → 83.5 ± 2.1 (std .0212132), seeds differ from the baseline's.
    assert.equal(mdRow(md, 'Results', 'dapt')[2], '83.5 ± 2.1 (2/3)‡');
    // Shared seeds {2,3}: d = [.01,.05] → Δ +3.0, sd .0282843, se .02, t = 1.50, df 1, p = 2·atan(1/1.5)/π = 0.374.
    const line = md.split('\n').find((l) => l.startsWith('| dapt | chemprot | test |')) ?? '';
    // MDE with 2 pairs: d_z = 11.55 × .0282843 = ±32.7.
    assert.deepEqual(line.split(' | ').slice(3, 9), ['+3.0', '±32.7', '2 (2, 3) ‡', '1.50', '1', '0.374']);
    assert.match(md, /- dapt \/ chemprot seed 1: dropped/);
    // Its scores stay visible in the provenance table: dev .83, test .80.
    assert.match(md, /\| default \| dapt \| chemprot \| 1 \| 83\.0 \| 80\.0 \| dropped \|/);
    assert.match(md, /Complete: the aggregate stage has run; 11 of 12 planned results, 1 dropped as degenerate/);
  });
});

describe('domain similarity', () => {
  const fixtures: Fixture[] = [];
  after(() => fixtures.forEach((f) => f.cleanup()));

  it('shows the vocabulary overlap of the corpora whose files are here', async () => {
    const f = makeFixture({
      partial: false,
      overlapCorpora: [
        { name: 'med', lines: ['The protein binds the receptor.', 'A kinase of the protein'] },
        { name: 'film', lines: ['The movie plot and its actor', 'receptor kinase movie'] },
        { name: 'gone', lines: null },
      ],
    });
    fixtures.push(f);
    await runAggregate(f);
    const out = await generateReport({ plan: f.plan, storeDir: f.storeDir });
    const md = read(out.markdownPath);
    // Stopwords (the, a, of, and, its) excluded: med = {protein, binds, receptor, kinase}, film = {movie, plot, actor, receptor, kinase}.
    // Shared {receptor, kinase} = 2: overlap = 100·2/min(4,5) = 50.0; Jaccard = 100·2/7 = 28.6.
    assert.deepEqual(mdRow(md, 'Vocabulary overlap (%), top 10000 words', 'med'), ['med', '100.0', '50.0']);
    assert.deepEqual(mdRow(md, 'Jaccard similarity (%) of the same vocabularies', 'film'), ['film', '28.6', '100.0']);
    assert.match(md, /Not available on this machine: gone\./);
    assert.ok(readdirSync(join(f.storeDir, 'reports', 'demo', 'figures')).includes('overlap-heatmap.svg'));
    const html = read(out.htmlPath);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('is left out when the experiment names fewer than two corpora', async () => {
    const f = makeFixture({ partial: false });
    fixtures.push(f);
    const md = read((await generateReport({ plan: f.plan, storeDir: f.storeDir })).markdownPath);
    assert.doesNotMatch(md, /Domain similarity/);
  });
});

describe('several experiments in one plan', () => {
  let f: Fixture;
  after(() => f.cleanup());

  it('writes one report directory per experiment and returns them all', async () => {
    f = makeFixture({ partial: false });
    const [demo] = f.plan.experiments;
    const plan = { ...f.plan, experiments: [demo!, { ...demo!, name: 'demo2' }] };
    const out = await generateReport({ plan, storeDir: f.storeDir, outDir: join(f.storeDir, 'out') });
    assert.deepEqual(out.reports.map((r) => r.markdownPath), [join(f.storeDir, 'out', 'demo', 'report.md'), join(f.storeDir, 'out', 'demo2', 'report.md')]);
    assert.equal(out.markdownPath, out.reports[0]!.markdownPath);
    for (const r of out.reports) assert.ok(existsSync(r.htmlPath));
    assert.match(out.table, /^demo: 12\/12 results \(not aggregated yet\)/m);
    assert.match(out.table, /^demo2: 12\/12 results \(not aggregated yet\)/m);
    assert.match(read(out.markdownPath), /All 12 planned results are in \(0 dropped as degenerate\), read from the evaluate stages; the aggregate stage has not run yet\./);
  });
});
