/**
 * pullModel against a loopback server laid out like the Hub (`/api/models/...`, `/ID/resolve/REV/FILE`):
 * Python's cache layout, revisions pinned by commit, reuse, offline mode and access errors.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullModel } from '../../src/pull/hub/pull.ts';
import { resolveCached } from '../../src/pull/hub/cache.ts';
import type { HubSettings } from '../../src/pull/hub/settings.ts';
import { DaptError } from '../../src/errors.ts';
import { sha256, TestServer } from './_server.ts';

const server = new TestServer();
const dirs: string[] = [];
let cacheDir: string;
const c1 = '1'.repeat(40);
const c2 = '2'.repeat(40);
const weights1 = randomBytes(100_000);
const weights2 = randomBytes(100_000);
const config = Buffer.from('{"model_type": "bert"}');
const tokenizer = Buffer.from('{"model": {}}');
const files = (weights: Buffer) => ({
  'config.json': { data: config, lfs: false },
  'model.safetensors': { data: weights, lfs: true },
  'tokenizer.json': { data: tokenizer, lfs: false },
  'pytorch_model.bin': { data: Buffer.from('not wanted'), lfs: true },
});
const fast = { retries: 1, backoffMs: () => 0, idleTimeoutMs: 60_000 };

before(() => server.start());
after(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'dapt-hub-'));
  dirs.push(cacheDir);
  server.hub.clear();
  // main moved from c1 to c2
  server.hub.set('org/tiny', { refs: { main: c2 }, commits: { [c1]: files(weights1), [c2]: files(weights2) } });
  server.hub.set('org/private', { refs: { main: c1 }, commits: { [c1]: files(weights1) }, token: 'hf_secret' });
  server.requests.length = 0;
});

const settings = (over: Partial<HubSettings> = {}): HubSettings => ({ endpoint: server.url, cacheDir, token: null, offline: false, ...over });
const pull = (id: string, rev: string, over: Partial<HubSettings> = {}) => pullModel(id, rev, { settings: settings(over), fetch: fast });
const resolves = () => server.requests.filter((r) => r.path.includes('/resolve/'));

test("a branch resolves to its commit; files land in Python's layout (blobs, relative symlinks, refs)", async () => {
  const m = await pull('org/tiny', 'main');
  assert.equal(m.commit, c2);
  const repo = join(cacheDir, 'models--org--tiny');
  assert.equal(m.dir, join(repo, 'snapshots', c2));
  assert.equal(readFileSync(join(repo, 'refs', 'main'), 'utf8'), c2);
  const link = join(m.dir, 'model.safetensors');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), join('..', '..', 'blobs', sha256(weights2)));
  assert.deepEqual(readFileSync(link), weights2);
  // only what dapt reads, fetched at the commit, not at the branch
  assert.deepEqual(resolves().map((r) => r.path).sort(), ['config.json', 'model.safetensors', 'tokenizer.json'].map((f) => `/org/tiny/resolve/${c2}/${f}`));
});

test('a revision given as a commit is used as is: the older weights, no ref written', async () => {
  const m = await pull('org/tiny', c1);
  assert.equal(m.commit, c1);
  assert.deepEqual(readFileSync(join(m.dir, 'model.safetensors')), weights1);
  assert.throws(() => readFileSync(join(cacheDir, 'models--org--tiny', 'refs', c1)));
});

test('a second pull downloads nothing; blobs shared between commits are downloaded once', async () => {
  await pull('org/tiny', 'main');
  const before = resolves().length;
  await pull('org/tiny', 'main');
  assert.equal(resolves().length, before);
  await pull('org/tiny', c1);
  // config.json and tokenizer.json are the same blobs at c1: only the other weights are new
  assert.deepEqual(resolves().slice(before).map((r) => r.path), [`/org/tiny/resolve/${c1}/model.safetensors`]);
});

test('offline: served from the cache with no request; absent from the cache, a clear error', async () => {
  await pull('org/tiny', 'main');
  server.requests.length = 0;
  const m = await pull('org/tiny', 'main', { offline: true });
  assert.equal(m.commit, c2);
  assert.equal(server.requests.length, 0);
  await assert.rejects(pull('org/other', 'main', { offline: true }), (e: DaptError) => e.code === 'DAPT_DOWNLOAD' && /HF_HUB_OFFLINE is set and org\/other@main is not in the Hub cache/.test(e.message));
  assert.equal(server.requests.length, 0);
});

test('a snapshot Python left in the cache is found offline', async () => {
  const repo = join(cacheDir, 'models--org--py');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(repo, 'snapshots', c1), { recursive: true });
  mkdirSync(join(repo, 'refs'));
  writeFileSync(join(repo, 'refs', 'main'), c1);
  for (const [name, data] of [['config.json', config], ['model.safetensors', weights1], ['tokenizer.json', tokenizer]] as const) {
    writeFileSync(join(repo, 'blobs', sha256(data)), data);
    symlinkSync(join('..', '..', 'blobs', sha256(data)), join(repo, 'snapshots', c1, name));
  }
  assert.deepEqual(resolveCached(cacheDir, 'org/py', 'main'), { commit: c1, dir: join(repo, 'snapshots', c1) });
  assert.equal((await pull('org/py', 'main', { offline: true })).commit, c1);
});

test('a private model: 401 without a token says to set HF_TOKEN; 403 with a wrong one; the right one works', async () => {
  await assert.rejects(pull('org/private', 'main'), (e: DaptError) => e.code === 'DAPT_DOWNLOAD' && /HTTP 401.*set HF_TOKEN/.test(e.message));
  await assert.rejects(pull('org/private', 'main', { token: 'hf_wrong' }), (e: DaptError) => e.code === 'DAPT_DOWNLOAD' && /HTTP 403.*HF_TOKEN has no access/.test(e.message));
  const m = await pull('org/private', 'main', { token: 'hf_secret' });
  assert.deepEqual(readFileSync(join(m.dir, 'model.safetensors')), weights1);
  assert.ok(resolves().every((r) => r.auth === 'Bearer hf_secret'));
});

test('an unknown revision is a 404 that names it', async () => {
  await assert.rejects(pull('org/tiny', 'no-such-branch'), (e: DaptError) => e.code === 'DAPT_DOWNLOAD' && /org\/tiny@no-such-branch: HTTP 404/.test(e.message));
});

test('a model without safetensors weights is refused with what to do', async () => {
  const only = { 'config.json': { data: config, lfs: false }, 'pytorch_model.bin': { data: weights1, lfs: true } };
  server.hub.set('org/old', { refs: { main: c1 }, commits: { [c1]: only } });
  await assert.rejects(pull('org/old', 'main'), (e: DaptError) => e.code === 'DAPT_DATA_INVALID' && /has no model\.safetensors, tokenizer\.json.*base: \{ checkpoint: DIR \}/.test(e.message));
});

test('a corrupted blob from the server fails the LFS sha256 and is not linked', async () => {
  server.hub.set('org/bad', { refs: { main: c1 }, commits: { [c1]: files(weights1) } });
  server.tamper.set(`/org/bad/resolve/${c1}/model.safetensors`, Buffer.concat([weights1.subarray(1), Buffer.from([0])]));
  await assert.rejects(pull('org/bad', 'main'), (e: DaptError) => e.code === 'DAPT_CHECKSUM_MISMATCH' && e.message.includes(sha256(weights1)));
  server.tamper.clear();
  assert.equal(resolveCached(cacheDir, 'org/bad', 'main'), null);
});
