/** Run store: manifests make a stage done, verification catches changed files, invalidation. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stagePaths } from '../../src/store/layout.ts';
import { verifyManifest, writeManifest } from '../../src/store/manifest.ts';
import { invalidateStage, listStoredStages, stageState } from '../../src/store/stage-state.ts';

const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2';

async function finishedStage(t: import('node:test').TestContext) {
  const store = await mkdtemp(join(tmpdir(), 'dapt-store-'));
  t.after(() => rm(store, { recursive: true, force: true }));
  const paths = stagePaths(store, KEY);
  await mkdir(join(paths.work, 'model'), { recursive: true });
  await writeFile(paths.spec, '{"key":"x"}');
  await writeFile(paths.metrics, '{"metrics":{}}');
  await writeFile(join(paths.work, 'model', 'model.safetensors'), 'w'.repeat(1000));
  await writeFile(join(paths.work, 'curves.jsonl'), '{"step":1}\n');
  await writeManifest(paths, { key: KEY, kind: 'pretrain', producedBy: { runId: 'r1', experimentId: '1', uri: 'file:///x' } });
  return { store, paths };
}

test('a stage is absent, then partial, then done once its manifest is written', async (t) => {
  const store = await mkdtemp(join(tmpdir(), 'dapt-store-'));
  t.after(() => rm(store, { recursive: true, force: true }));
  const paths = stagePaths(store, KEY);
  assert.equal(await stageState(store, KEY), 'absent');
  await mkdir(paths.work, { recursive: true });
  await writeFile(paths.spec, '{}');
  await writeFile(paths.metrics, '{}');
  assert.equal(await stageState(store, KEY), 'partial');
  await writeManifest(paths, { key: KEY, kind: 'select', producedBy: null });
  assert.equal(await stageState(store, KEY), 'done');
  assert.deepEqual(await listStoredStages(store), [KEY]);
});

test('the manifest lists the spec, metrics and every work file with size and sha256', async (t) => {
  const { paths } = await finishedStage(t);
  const manifest = JSON.parse(await readFile(paths.manifest, 'utf8'));
  assert.deepEqual(
    manifest.files.map((f: { path: string }) => f.path),
    ['metrics.json', 'spec.json', 'work/curves.jsonl', 'work/model/model.safetensors'],
  );
  const weights = manifest.files.find((f: { path: string }) => f.path.endsWith('safetensors'));
  assert.equal(weights.size, 1000);
  assert.match(weights.sha256, /^[0-9a-f]{64}$/);
  assert.equal(manifest.producedBy.runId, 'r1');
});

test('a truncated file makes the stage partial', async (t) => {
  const { store, paths } = await finishedStage(t);
  await truncate(join(paths.work, 'model', 'model.safetensors'), 10);
  assert.equal(await stageState(store, KEY), 'partial');
  const check = await verifyManifest(paths);
  assert.equal(check.ok, false);
  assert.match(check.ok ? '' : check.reason, /model\.safetensors has 10 bytes/);
});

test('a missing file makes the stage partial', async (t) => {
  const { store, paths } = await finishedStage(t);
  await rm(join(paths.work, 'curves.jsonl'));
  assert.equal(await stageState(store, KEY), 'partial');
});

test('same-size changes: re-hashed when the mtime moved, and always with full verification', async (t) => {
  const { store, paths } = await finishedStage(t);
  const file = join(paths.work, 'model', 'model.safetensors');
  // Overwrite in place with the same size and make the manifest record the new mtime, as if the
  // file had changed without its mtime moving: only a full check can see it.
  const handle = await open(file, 'r+');
  await handle.write('X', 0);
  await handle.close();
  const manifest = JSON.parse(await readFile(paths.manifest, 'utf8'));
  manifest.files.find((f: { path: string }) => f.path.endsWith('safetensors')).mtimeMs = (await stat(file)).mtimeMs;
  await writeFile(paths.manifest, JSON.stringify(manifest));
  assert.equal(await stageState(store, KEY), 'done', 'unchanged size + mtime is trusted without hashing');
  assert.equal(await stageState(store, KEY, { full: true }), 'partial');
  // With a new mtime the cheap check re-hashes and notices.
  await utimes(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(await stageState(store, KEY), 'partial');
});

test('touching a file without changing it keeps the stage done', async (t) => {
  const { store, paths } = await finishedStage(t);
  const file = join(paths.work, 'curves.jsonl');
  await utimes(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(await stageState(store, KEY), 'done');
});

test('invalidateStage removes the manifest, outputs and checkpoint but keeps the log', async (t) => {
  const { store, paths } = await finishedStage(t);
  await writeFile(paths.log, 'earlier attempt\n');
  await invalidateStage(store, KEY);
  assert.equal(await stageState(store, KEY), 'partial');
  await assert.rejects(readFile(paths.manifest));
  await assert.rejects(readFile(join(paths.work, 'curves.jsonl')));
  assert.equal(await readFile(paths.log, 'utf8'), 'earlier attempt\n');
});
