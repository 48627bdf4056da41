/** The input catalog on tiny data made here: content ids, locations, missing inputs, the hash cache. */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCatalog } from '../../src/data/catalog.ts';
import { DaptError } from '../../src/errors.ts';
import type { Experiment } from '../../src/config/types.ts';
import { arm, checkpointBase, corpus, dapt, experiment, spec, task } from '../plan/fixtures.ts';

let root: string;
let ckpt: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'dapt-catalog-'));
  await write(join(root, 'corpora/biomed.part-000.txt'), 'doc one\ndoc two\n');
  await write(join(root, 'corpora/biomed.part-001.txt'), 'doc three\n');
  await write(join(root, 'mirror/bio.part-000.txt'), 'doc one\ndoc two\n');
  await write(join(root, 'mirror/bio.part-001.txt'), 'doc three\n');
  await write(join(root, 'corpora/swapped.part-000.txt'), 'doc three\n');
  await write(join(root, 'corpora/swapped.part-001.txt'), 'doc one\ndoc two\n');
  await write(join(root, 'corpora/single.txt'), 'just one file\n');
  for (const t of ['chemprot', 'other']) {
    for (const split of ['train', 'dev', 'test']) await write(join(root, `tasks/${t}/${split}.jsonl`), `{"text":"${t} ${split}","label":"a"}\n`);
  }
  ckpt = join(root, 'models/mini');
  await write(join(ckpt, 'config.json'), '{"hidden_size":8}');
  await write(join(ckpt, 'model.safetensors'), 'weights');
  await write(join(ckpt, 'tokenizer.json'), '{}');
  await write(join(ckpt, 'README.md'), 'docs');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const exp = (corpora: Array<[string, string]>, tasks: string[] = ['chemprot'], base = checkpointBase(ckpt), file = '/study/exp.yaml'): Experiment =>
  experiment(
    'exp',
    spec({
      corpora: corpora.map(([name, path]) => corpus(name, path)),
      tasks: tasks.map((t) => task(t)),
      arms: [arm('baseline', [], tasks), ...corpora.map(([name]) => arm(`dapt_${name}`, [dapt(name)], tasks))],
      base,
    }),
    undefined,
    { file },
  );

describe('content ids', () => {
  const rows: Array<{ name: string; a: string; b: string; same: boolean }> = [
    { name: 'same files under another path', a: 'corpora/biomed', b: 'mirror/bio', same: true },
    { name: 'same documents in another part order', a: 'corpora/biomed', b: 'corpora/swapped', same: false },
    { name: 'different content', a: 'corpora/biomed', b: 'corpora/single', same: false },
  ];
  for (const row of rows) {
    it(`${row.name} → ${row.same ? 'same' : 'different'} id`, async () => {
      const catalog = await buildCatalog([exp([['a', row.a], ['b', row.b]])], { dataRoot: root });
      const [a, b] = [catalog.corpora[row.a]!.content, catalog.corpora[row.b]!.content];
      assert.match(a, /^[0-9a-f]{64}$/);
      assert.equal(a === b, row.same);
    });
  }

  it('locates corpora in part order, tasks and checkpoints by directory', async () => {
    const catalog = await buildCatalog([exp([['biomed', 'corpora/biomed'], ['single', 'corpora/single']])], { dataRoot: root });
    assert.deepEqual(catalog.corpora['corpora/biomed']!.location, { kind: 'corpus', files: [join(root, 'corpora/biomed.part-000.txt'), join(root, 'corpora/biomed.part-001.txt')] });
    assert.deepEqual(catalog.corpora['corpora/single']!.location, { kind: 'corpus', files: [join(root, 'corpora/single.txt')] });
    assert.deepEqual(catalog.tasks['tasks/chemprot']!.location, { kind: 'task', dir: join(root, 'tasks/chemprot') });
    assert.deepEqual(catalog.checkpoints[ckpt]!.location, { kind: 'checkpoint', dir: ckpt });
    assert.deepEqual(Object.keys(catalog.tasks), ['tasks/chemprot'], 'only used inputs');
  });

  it('a checkpoint README does not change its id; its weights do', async () => {
    const id = async () => (await buildCatalog([exp([])], { dataRoot: root })).checkpoints[ckpt]!.content;
    const before = await id();
    await writeFile(join(ckpt, 'README.md'), 'other docs');
    assert.equal(await id(), before);
    await writeFile(join(ckpt, 'model.safetensors'), 'weights2');
    assert.notEqual(await id(), before);
    await writeFile(join(ckpt, 'model.safetensors'), 'weights');
  });
});

describe('missing inputs', () => {
  const rows: Array<{ name: string; experiment: () => Experiment; expect: RegExp[] }> = [
    {
      name: 'a corpus: names it, the file, the root and both forms looked for',
      experiment: () => exp([['news', 'corpora/news']], ['chemprot'], checkpointBase(ckpt), '/study/news.yaml'),
      expect: [/corpus "news"/, /\/study\/news\.yaml/, /corpora\/news\.txt/, /corpora\/news\.part-NNN\.txt/],
    },
    {
      name: 'a task split',
      experiment: () => exp([], ['chemprot', 'absent']),
      expect: [/task "absent"/, /tasks\/absent\/train\.jsonl/, /tasks\/absent\/test\.jsonl/],
    },
    {
      name: 'an incomplete checkpoint',
      experiment: () => exp([], ['chemprot'], checkpointBase(join(root, 'corpora'))),
      expect: [/base checkpoint/, /config\.json/, /model\.safetensors/],
    },
    {
      name: 'all problems at once',
      experiment: () => exp([['news', 'corpora/news']], ['absent'], checkpointBase('/nowhere/model')),
      expect: [/3 inputs are missing/, /corpus "news"/, /task "absent"/, /\/nowhere\/model/],
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      await assert.rejects(buildCatalog([row.experiment()], { dataRoot: root }), (e: unknown) => {
        assert.ok(e instanceof DaptError && e.code === 'DAPT_DATA_INVALID' && e.exitCode === 2);
        assert.ok(e.message.includes(root), 'names the data root');
        for (const re of row.expect) assert.match(e.message, re);
        return true;
      });
    });
  }

  it('declared but unused inputs are not required', async () => {
    const e = exp([]);
    e.points[0]!.spec.corpora.unused = corpus('unused', 'corpora/does-not-exist');
    await buildCatalog([e], { dataRoot: root });
  });
});

describe('hash cache', () => {
  it('reuses hashes while size and mtime are unchanged, and rehashes when they change', async () => {
    const cacheDir = join(root, 'cache');
    const file = join(root, 'corpora/single.txt');
    const e = exp([['single', 'corpora/single']]);
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000); // whole seconds: restorable exactly
    await utimes(file, mtime, mtime);
    const first = (await buildCatalog([e], { dataRoot: root, cacheDir })).corpora['corpora/single']!.content;
    const cache = JSON.parse(await readFile(join(cacheDir, 'hashes.json'), 'utf8'));
    assert.ok(cache.files[file], 'the file is in the cache');
    // Same size, same mtime, different bytes: the cache is trusted (that is what makes it fast).
    await writeFile(file, 'JUST ONE FILE\n');
    await utimes(file, mtime, mtime);
    assert.equal((await buildCatalog([e], { dataRoot: root, cacheDir })).corpora['corpora/single']!.content, first);
    // A new mtime means new content.
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const third = (await buildCatalog([e], { dataRoot: root, cacheDir })).corpora['corpora/single']!.content;
    assert.notEqual(third, first);
    assert.equal((await buildCatalog([e], { dataRoot: root })).corpora['corpora/single']!.content, third, 'matches an uncached hash');
    await writeFile(file, 'just one file\n');
  });

  it('a corrupt cache file is ignored and replaced', async () => {
    const cacheDir = join(root, 'cache-corrupt');
    await write(join(cacheDir, 'hashes.json'), '{not json');
    const e = exp([['biomed', 'corpora/biomed']]);
    const withCache = await buildCatalog([e], { dataRoot: root, cacheDir });
    assert.deepEqual(withCache, await buildCatalog([e], { dataRoot: root }));
    assert.equal(JSON.parse(await readFile(join(cacheDir, 'hashes.json'), 'utf8')).version, 1);
  });
});
