import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { heldOutCount } from '../../src/train/data/held-out.ts';
import { resolveTextSource } from '../../src/train/data/sources.ts';
import { tempDir, writeCorpus, writeToyTask } from './_fixtures.ts';

describe('text sources', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('reads corpora, task text (labelled part or low-resource remainder) and selected documents, with distinct content ids', async () => {
    const files = writeCorpus(join(dir, 'c'), 'corp', ['doc one', '', 'doc two']);
    const task = writeToyTask(join(dir, 'task'), { train: 20, dev: 4, test: 4 });
    const selectDir = join(dir, 'select');
    mkdirSync(selectDir);
    writeFileSync(join(selectDir, 'selected.txt'), 'picked a\npicked b\n');
    const ctx = {
      inputs: { corpusId: { kind: 'corpus' as const, files }, taskId: { kind: 'task' as const, dir: task } },
      parents: { sel: { key: 'sel', kind: 'select' as const, dir: selectDir } },
    };
    const corpus = resolveTextSource({ kind: 'corpus', content: 'corpusId' }, ctx);
    assert.deepEqual(await corpus.load(), ['doc one', 'doc two']);
    assert.equal(corpus.contentId, 'corpusId');

    const taskInput = { content: 'taskId', labelled: { size: 6, seed: 2 }, dedupeTrain: false };
    const labelled = resolveTextSource({ kind: 'task_text', task: taskInput, part: 'train' }, ctx);
    const unlabelled = resolveTextSource({ kind: 'task_text', task: taskInput, part: 'unlabelled' }, ctx);
    assert.equal((await labelled.load()).length, 6);
    assert.equal((await unlabelled.load()).length, 14);
    assert.notEqual(labelled.contentId, unlabelled.contentId);
    const full = resolveTextSource({ kind: 'task_text', task: { ...taskInput, labelled: null }, part: 'train' }, ctx);
    assert.equal((await full.load()).length, 20);

    const selected = resolveTextSource({ kind: 'selected', stage: 'sel' }, ctx);
    assert.deepEqual(await selected.load(), ['picked a', 'picked b']);
    assert.equal(selected.contentId, 'stage:sel');
  });

  it('holds out the last fraction of documents, at most maxDocs, never all of them', () => {
    assert.equal(heldOutCount(1000, { fraction: 0.05, maxDocs: 200 }), 50);
    assert.equal(heldOutCount(10000, { fraction: 0.05, maxDocs: 200 }), 200);
    assert.equal(heldOutCount(10, { fraction: 0.01, maxDocs: 200 }), 1);
    assert.equal(heldOutCount(1, { fraction: 0.5, maxDocs: 200 }), 0);
    assert.equal(heldOutCount(100, { fraction: 0, maxDocs: 200 }), 0);
    assert.equal(heldOutCount(2, { fraction: 1, maxDocs: 200 }), 1);
  });
});
