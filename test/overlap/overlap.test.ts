import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.ts';
import { computeOverlap, renderOverlapHeatmap } from '../../src/overlap/index.ts';

let dir: string;

describe('vocabulary overlap', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dapt-overlap-'));
    await mkdir(join(dir, 'corpora'));
    // a: apple 2, banana 1, cherry 1 ("The", "of" are stopwords, "42" is a number) -> top 2 {apple, banana}
    await writeFile(join(dir, 'corpora', 'a.txt'), 'The apple of banana\nAPPLE cherry 42\n');
    // b: date 2, banana 1, cherry 1 -> top 2 {banana, date} (ties ranked alphabetically)
    await writeFile(join(dir, 'corpora', 'b.part-000.txt'), 'date cherry\n');
    await writeFile(join(dir, 'corpora', 'b.part-001.txt'), 'Date banana\n');
    await writeFile(join(dir, 'corpora', 'c.txt'), 'egg\n');
    await mkdir(join(dir, 'tasks', 'hp'), { recursive: true });
    const jsonl = (texts: string[]) => texts.map((text) => JSON.stringify({ text, label: 'x' })).join('\n') + '\n';
    await writeFile(join(dir, 'tasks', 'hp', 'train.jsonl'), jsonl(['Article one', 'Article two', 'article  TWO', 'Article three']));
    await writeFile(join(dir, 'tasks', 'hp', 'dev.jsonl'), jsonl(['Article four']));
    await writeFile(join(dir, 'tasks', 'hp', 'test.jsonl'), jsonl(['article two', 'Article four', 'Article five']));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('equals hand-computed overlap and Jaccard', async () => {
    const m = await computeOverlap(
      [
        { name: 'a', files: [join(dir, 'corpora', 'a.txt')] },
        { name: 'b', files: [join(dir, 'corpora', 'b.part-000.txt'), join(dir, 'corpora', 'b.part-001.txt')] },
        { name: 'c', files: [join(dir, 'corpora', 'c.txt')] },
      ],
      { top: 2, cacheDir: join(dir, 'cache') },
    );
    // a∩b = {banana}: 1 / min(2, 2) = 50 %, Jaccard 1 / 3; c has one word and shares none.
    assert.deepEqual(m.shared, [[2, 1, 0], [1, 2, 0], [0, 0, 1]]);
    assert.deepEqual(m.overlap, [[100, 50, 0], [50, 100, 0], [0, 0, 100]]);
    assert.deepEqual(m.jaccard, [[100, 33.33, 0], [33.33, 100, 0], [0, 0, 100]]);
    assert.deepEqual(m.stats.map((s) => [s.name, s.tokens, s.types, s.vocabulary]), [['a', 4, 3, 2], ['b', 4, 3, 2], ['c', 1, 1, 1]]);
    assert.match(m.method.overlap, /min\(\|V_a\|, \|V_b\|\)/);
  });

  it('uses the paper’s |V| denominator when both vocabularies are full', async () => {
    const m = await computeOverlap([{ name: 'x', files: [], texts: ['pa qa ra sa'] }, { name: 'y', files: [], texts: ['qa ra sa ta'] }], { top: 4 });
    assert.equal(m.overlap[0]![1], 75); // |{qa, ra, sa}| / 4
    assert.equal(m.jaccard[0]![1], 60); // 3 / 5
  });

  it('renders the heatmap to SVG', async () => {
    const m = await computeOverlap([{ name: 'x', files: [], texts: ['p q'] }, { name: 'y', files: [], texts: ['q'] }], { top: 10 });
    const svg = await renderOverlapHeatmap(m);
    assert.match(svg, /^<svg[^>]*>/);
    assert.match(svg, />100\.0</);
  });

  it('`dapt overlap` writes the table, JSON and heatmap for every corpus of the data root', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c) => (out += c));
    const code = await runCli(['overlap', '--data-root', dir, '--top', '2', '--out', join(dir, 'out'), '--store', join(dir, 'store')], { stdout, stderr, env: {}, cwd: dir });
    assert.equal(code, 0);
    assert.match(out, /Vocabulary overlap \(%\) of the top 2 words/);
    const json = JSON.parse(await readFile(join(dir, 'out', 'overlap.json'), 'utf8'));
    assert.deepEqual(json.names, ['a', 'b', 'c']);
    assert.equal(json.overlap[0][1], 50);
    assert.match(await readFile(join(dir, 'out', 'overlap.svg'), 'utf8'), /^<svg/);
  });

  it('`dapt overlap --splits --format json` reports each task’s train/dev/test overlap', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c) => (out += c));
    const args = ['overlap', '--data-root', dir, '--corpora', 'a,b', '--splits', '--format', 'json', '--out', join(dir, 'out2'), '--store', join(dir, 'store')];
    assert.equal(await runCli(args, { stdout, stderr: new PassThrough(), env: {}, cwd: dir }), 0);
    const { overlap, splits } = JSON.parse(out);
    assert.deepEqual(overlap.names, ['a', 'b']);
    assert.deepEqual(splits, [
      { task: 'hp', sizes: { train: 4, dev: 1, test: 3 }, exact: { testInTrain: 1, devInTrain: 0, testInDev: 1 }, dedupeTrain: { dropped: 2, kept: 2 }, nearTrain: 2, n: 12 },
    ]);
    assert.match(await readFile(join(dir, 'out2', 'splits.txt'), 'utf8'), /dedupe_train drops/);
  });
});
