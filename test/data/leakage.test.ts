import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertNoLeakage, assertSelectionClean } from '../../src/data/leakage.ts';
import { readTask } from '../../src/data/task.ts';
import { DaptError } from '../../src/errors.ts';
import type { Plan, Stage } from '../../src/plan/types.ts';

const TEST_SENTENCE = 'The inhibitor reduced kinase activity by forty percent in treated mouse liver cells after two weeks';
const DEV_SENTENCE = 'Patients receiving the new drug reported fewer headaches than those on placebo during the trial';
const CLEAN = [
  'Protein folding is studied with many methods in structural biology.',
  'A completely different abstract about gene expression in yeast and its regulation.',
];

let root: string;
const jsonl = (rows: Array<[string, string]>) => rows.map(([text, label]) => JSON.stringify({ text, label })).join('\n') + '\n';

async function corpus(name: string, docs: string[]): Promise<string[]> {
  const file = join(root, 'corpora', `${name}.txt`);
  await writeFile(file, docs.join('\n') + '\n');
  return [file];
}

/** A plan with one pretrain stage over `corpusFiles` and one finetune stage on the task. */
function plan(corpusContent: string, corpusFiles: string[]): Plan {
  const task = { content: 'task-content-1', labelled: null, dedupeTrain: false };
  const pretrain = {
    kind: 'pretrain',
    key: 'p1',
    parents: [],
    title: 'pretrain dapt',
    labels: [],
    inputs: { [corpusContent]: { kind: 'corpus', files: corpusFiles } },
    params: { data: [{ kind: 'corpus', content: corpusContent }] },
  } as unknown as Stage;
  const finetune = {
    kind: 'finetune',
    key: 'f1',
    parents: ['p1'],
    title: 'finetune',
    labels: [],
    inputs: { 'task-content-1': { kind: 'task', dir: join(root, 'tasks', 'toy') } },
    params: { task },
  } as unknown as Stage;
  return { formatVersion: 1, experiments: [], stages: [pretrain, finetune] };
}

describe('leakage check', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dapt-leak-'));
    await mkdir(join(root, 'corpora'), { recursive: true });
    await mkdir(join(root, 'tasks', 'toy'), { recursive: true });
    await writeFile(join(root, 'tasks', 'toy', 'train.jsonl'), jsonl([['some training text here', 'a'], ['more training text', 'b']]));
    await writeFile(join(root, 'tasks', 'toy', 'dev.jsonl'), jsonl([[DEV_SENTENCE, 'a'], ['short one', 'b']]));
    await writeFile(join(root, 'tasks', 'toy', 'test.jsonl'), jsonl([[TEST_SENTENCE, 'b']]));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('passes a clean corpus and reports zero counts', async () => {
    const files = await corpus('clean', CLEAN);
    const summary = await assertNoLeakage(plan('clean-1', files), { cacheDir: join(root, 'cache') });
    assert.equal(summary.pairs.length, 1);
    assert.deepEqual([summary.pairs[0]!.docs, summary.pairs[0]!.sourceDocs, summary.leaks.length], [0, 2, 0]);
  });

  it('finds a planted test sentence (exact, after normalisation)', async () => {
    const files = await corpus('exact', [...CLEAN, `  ${TEST_SENTENCE.toUpperCase()} `]);
    await assert.rejects(assertNoLeakage(plan('exact-1', files), { cacheDir: join(root, 'cache') }), (e) => {
      assert.ok(e instanceof DaptError && e.code === 'DAPT_LEAKAGE');
      assert.match(e.message, /exact × toy: 1 of 3 document\(s\) hold 1 dev\/test example\(s\) of toy \(1 exact/);
      assert.match(e.message, /document 3 ↔ toy test\.jsonl:1 \(exact\)/);
      return true;
    });
  });

  it('finds a shared 12-token span inside a longer document', async () => {
    const span = DEV_SENTENCE.split(' ').slice(2, 14).join(' ');
    const files = await corpus('ngram', [CLEAN[0]!, `Background text first. ${span}, and then something else entirely.`]);
    const summary = await assertNoLeakage(plan('ngram-1', files), { cacheDir: join(root, 'cache'), allow: true });
    const pair = summary.leaks[0]!;
    assert.deepEqual([pair.docs, pair.exactDocs, pair.examples], [1, 0, 1]);
    assert.equal(pair.samples[0]!.kind, 'ngram');
    assert.equal(pair.samples[0]!.shared, span.toLowerCase());
    assert.equal(summary.overridden, true);
  });

  it('does not flag spans shorter than n, and n is configurable', async () => {
    const span = TEST_SENTENCE.split(' ').slice(0, 11).join(' ');
    const files = await corpus('short', [`Intro. ${span} — unrelated tail words follow here.`]);
    const ok = await assertNoLeakage(plan('short-1', files), { cacheDir: join(root, 'cache') });
    assert.equal(ok.leaks.length, 0);
    const strict = await assertNoLeakage(plan('short-1', files), { cacheDir: join(root, 'cache'), n: 8, allow: true });
    assert.equal(strict.leaks[0]?.docs, 1);
  });

  it('caches results by content, so a re-run reads the cache', async () => {
    const files = await corpus('cached', CLEAN);
    const first = await assertNoLeakage(plan('cached-1', files), { cacheDir: join(root, 'cache') });
    assert.equal(first.pairs[0]!.cached, false);
    // Same content id: the (now leaking) file is not re-read — the cache is keyed by content.
    await corpus('cached', [TEST_SENTENCE]);
    const second = await assertNoLeakage(plan('cached-1', files), { cacheDir: join(root, 'cache') });
    assert.equal(second.pairs[0]!.cached, true);
    await assert.rejects(assertNoLeakage(plan('cached-2', files), { cacheDir: join(root, 'cache') }), DaptError);
  });

  it('checks selected documents', async () => {
    const data = await readTask(join(root, 'tasks', 'toy'));
    const clean = await assertSelectionClean(CLEAN, [{ name: 'toy', content: null, data }]);
    assert.equal(clean[0]!.docs, 0);
    await assert.rejects(assertSelectionClean([...CLEAN, DEV_SENTENCE], [{ name: 'toy', content: null, data }]), /selected documents/);
  });
});
