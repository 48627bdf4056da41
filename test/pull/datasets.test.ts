/** pullDataset: pinned files into the data root from a mirror; what is there already; refusals. */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullDataset, type FileEvent } from '../../src/pull/datasets.ts';
import type { DatasetEntry } from '../../src/pull/types.ts';
import { DaptError } from '../../src/errors.ts';
import { sha256, TestServer } from './_server.ts';

const server = new TestServer();
const dirs: string[] = [];
let root: string;
const train = Buffer.from('{"text": "a", "label": "x"}\n'.repeat(500));
const dev = Buffer.from('{"text": "b", "label": "y"}\n'.repeat(50));

/** A task laid out like the data pack: on the mirror at its data-root path. */
const entry = (pins: boolean): DatasetEntry => ({
  name: 'mini/tasks/toy',
  kind: 'task',
  source: 'mini',
  licence: 'test',
  files: [
    { path: 'tasks/toy/train.jsonl', url: 'tasks/toy/train.jsonl', bytes: train.length, sha256: pins ? sha256(train) : null },
    { path: 'tasks/toy/dev.jsonl', url: 'tasks/toy/dev.jsonl', bytes: dev.length, sha256: pins ? sha256(dev) : null },
  ],
});
// generous: the test machine may be loaded; no test here waits for a timeout
const fast = { retries: 1, backoffMs: () => 0, idleTimeoutMs: 60_000 };

before(() => server.start());
after(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dapt-data-'));
  dirs.push(root);
  server.files.clear();
  server.files.set('/pack/tasks/toy/train.jsonl', train);
  server.files.set('/pack/tasks/toy/dev.jsonl', dev);
  server.requests.length = 0;
});

const pull = (e: DatasetEntry, extra: Partial<Parameters<typeof pullDataset>[1]> = {}) =>
  pullDataset(e, { dataRoot: root, mirror: `${server.url}/pack/`, requirePins: false, fetch: fast, ...extra });

test('a pinned task lands at its data-root path, verified; a second pull downloads nothing', async () => {
  const seen: FileEvent[] = [];
  await pull(entry(true), { onFile: (e) => seen.push(e) });
  assert.deepEqual(readFileSync(join(root, 'tasks/toy/train.jsonl')), train);
  assert.deepEqual(readFileSync(join(root, 'tasks/toy/dev.jsonl')), dev);
  assert.deepEqual(seen.map((e) => [e.state, e.unpinned, e.sha256]), [['downloaded', false, sha256(train)], ['downloaded', false, sha256(dev)]]);
  const again = await pull(entry(true));
  assert.deepEqual(again.map((e) => e.state), ['present', 'present']);
  assert.equal(server.requests.length, 2);
});

test('a file already there with other bytes is never overwritten: the error names both hashes', async () => {
  mkdirSync(join(root, 'tasks/toy'), { recursive: true });
  writeFileSync(join(root, 'tasks/toy/train.jsonl'), 'local edit\n');
  await assert.rejects(pull(entry(true)), (e: DaptError) => e.code === 'DAPT_DATA_INVALID' && e.message.includes(sha256(Buffer.from('local edit\n'))) && e.message.includes(sha256(train)));
  assert.equal(readFileSync(join(root, 'tasks/toy/train.jsonl'), 'utf8'), 'local edit\n');
});

test('a corrupted mirror file fails its pin and leaves nothing behind', async () => {
  server.files.set('/pack/tasks/toy/dev.jsonl', Buffer.from('tampered'));
  await assert.rejects(pull(entry(true)), (e: DaptError) => e.code === 'DAPT_CHECKSUM_MISMATCH' && e.message.includes('tasks/toy/dev.jsonl'));
  assert.equal(existsSync(join(root, 'tasks/toy/dev.jsonl')), false);
  assert.equal(existsSync(join(root, 'tasks/toy/dev.jsonl.partial')), false);
});

test('unpinned files are fetched and reported with the hash they had; --require-pins refuses them', async () => {
  const events = await pull(entry(false));
  assert.deepEqual(events.map((e) => [e.unpinned, e.sha256]), [[true, sha256(train)], [true, sha256(dev)]]);
  await assert.rejects(pull(entry(false), { requirePins: true }), (e: DaptError) => e.code === 'DAPT_NOT_DOWNLOADABLE' && /require-pins/.test(e.message));
});

test('the data pack has no public host: without a mirror it says to give one', async () => {
  await assert.rejects(pull(entry(true), { mirror: null }), (e: DaptError) => e.code === 'DAPT_NOT_DOWNLOADABLE' && /--mirror URL \(or DAPT_MIRROR\)/.test(e.message));
  assert.equal(server.requests.length, 0);
});

test('a mirror without the file: 404 names the URL', async () => {
  server.files.delete('/pack/tasks/toy/dev.jsonl');
  await assert.rejects(pull(entry(true)), (e: DaptError) => e.code === 'DAPT_DOWNLOAD' && e.message.includes(`${server.url}/pack/tasks/toy/dev.jsonl: HTTP 404`));
});
