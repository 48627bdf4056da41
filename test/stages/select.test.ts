import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DaptError } from '../../src/errors.ts';
import type { SelectParams } from '../../src/plan/types.ts';
import { runner } from '../../src/stages/select.ts';
import type { ParentOutput, StageContext, StageReporter, StageSpec } from '../../src/stages/types.ts';

let root: string;
const jsonl = (rows: Array<[string, string]>) => rows.map(([text, label]) => JSON.stringify({ text, label })).join('\n') + '\n';

const POOL = [
  'Gene expression of the protein kinase in liver cells.', // 0
  'A film with a weak plot and a great actor.', // 1
  'gene   EXPRESSION of the protein kinase in LIVER cells.', // 2: duplicate of 0 after normalisation
  'Protein folding and gene regulation in yeast.', // 3
  'The team won the match with a late score.', // 4
  'Election news: the vote count continues tonight.', // 5
  'Kinase inhibitors reduce protein activity.', // 6
  'The actor praised the director of the film.', // 7
];

function reporter(): StageReporter & { paramsSeen: Array<Record<string, unknown>> } {
  const paramsSeen: Array<Record<string, unknown>> = [];
  return { paramsSeen, metrics() {}, params: (v) => void paramsSeen.push(v), tags() {}, progress() {}, log() {} };
}

async function context(name: string, params: SelectParams, parents: ParentOutput[] = [], poolFile = join(root, 'pool.txt')): Promise<StageContext & { workDir: string }> {
  const stageDir = join(root, 'stages', name);
  const workDir = join(stageDir, 'work');
  await mkdir(workDir, { recursive: true });
  const spec = {
    kind: 'select',
    params,
    key: name,
    title: `select ${name}`,
    labels: [],
    parents,
    inputs: { 'task-1': { kind: 'task', dir: join(root, 'toy') }, 'pool-1': { kind: 'corpus', files: [poolFile] } },
    dataRoot: root,
    storeDir: root,
    stageDir,
    backend: 'none',
    checkpointEverySeconds: 60,
    tracking: null,
    trainer: 'real',
  } as StageSpec;
  return { spec, workDir, parents: Object.fromEntries(parents.map((p) => [p.key, p])), reporter: reporter(), signal: new AbortController().signal };
}

const knnParams: SelectParams = {
  method: 'knn',
  task: { content: 'task-1', labelled: null, dedupeTrain: false },
  pool: 'pool-1',
  k: 2,
  embedder: { kind: 'tfidf', dims: 4096, vocabulary: 'fitted', sublinearTf: true },
  embedModel: null,
  seed: 0,
  sizeMatch: null,
};

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');

describe('select stage', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dapt-select-'));
    await mkdir(join(root, 'toy'));
    await writeFile(join(root, 'toy', 'train.jsonl'), jsonl([['protein kinase gene liver', 'bio'], ['protein gene regulation', 'bio']]));
    await writeFile(join(root, 'toy', 'dev.jsonl'), jsonl([['Election news: the vote count continues tonight.', 'x']]));
    await writeFile(join(root, 'toy', 'test.jsonl'), jsonl([['something unrelated', 'x']]));
    await writeFile(join(root, 'pool.txt'), POOL.filter((d) => !d.startsWith('Election')).join('\n') + '\n');
    await writeFile(join(root, 'leaky.txt'), POOL.join('\n') + '\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('kNN: writes the union of neighbours in pool order, de-duplicated, with provenance and metrics', async () => {
    const ctx = await context('knn', knnParams);
    const outcome = await runner.run(ctx);
    // Pool (Election line removed): 0 gene-kinase, 1 film, 2 dup of 0, 3 protein-gene-yeast, 4 team, 5 kinase-protein, 6 actor.
    // Query 1 (protein kinase gene liver) → 0 and its duplicate 2 (tied, lower first); query 2 → 3 and 0.
    const provenance = (await lines(join(ctx.workDir, 'provenance.jsonl'))).map((l) => JSON.parse(l));
    assert.deepEqual(provenance.map((p) => [p.query, p.line, p.ids]), [[0, 1, [0, 2]], [1, 2, [3, 0]]]);
    assert.ok(provenance.every((p) => p.scores.length === 2 && p.scores[0] >= p.scores[1]));
    assert.deepEqual(await lines(join(ctx.workDir, 'selected.txt')), [POOL[0], POOL[3]]);
    assert.deepEqual(outcome.metrics, { ...outcome.metrics, selected_docs: 2, pool_docs: 7, queries: 2 });
    const selection = JSON.parse(await readFile(join(ctx.workDir, 'selection.json'), 'utf8'));
    assert.deepEqual(selection.selectedIds, [0, 3]);
    assert.equal(selection.duplicateNeighbours, 1);
    assert.equal(selection.embedder.kind, 'tfidf');
    assert.equal(selection.order, 'pool');
  });

  it('RAND: size-matches the kNN parent, seeded', async () => {
    const parent = { key: 'knn', kind: 'select' as const, dir: join(root, 'stages', 'knn', 'work') };
    const params: SelectParams = { ...knnParams, method: 'rand', embedder: null, seed: 11, k: 2, sizeMatch: 'knn' };
    const a = await context('rand-a', params, [parent]);
    const b = await context('rand-b', params, [parent]);
    const outA = await runner.run(a);
    await runner.run(b);
    assert.equal(outA.metrics.selected_docs, 2);
    assert.deepEqual(await lines(join(a.workDir, 'selected.txt')), await lines(join(b.workDir, 'selected.txt')));
    const texts = await lines(join(a.workDir, 'selected.txt'));
    assert.equal(new Set(texts.map((t) => t.toLowerCase().replace(/\s+/g, ' '))).size, 2);
  });

  it('refuses a selection that contains the task’s dev/test text', async () => {
    // RAND with k = pool size selects every document, the dev sentence included.
    const ctx = await context('leaky', { ...knnParams, method: 'rand', embedder: null, k: 8 }, [], join(root, 'leaky.txt'));
    await assert.rejects(runner.run(ctx), (e) => e instanceof DaptError && e.code === 'DAPT_LEAKAGE' && /toy/.test(e.message));
  });
});
