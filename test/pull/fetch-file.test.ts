/** fetchFile against a loopback server: verified, resumable, atomic; faults retried or reported. */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchFile, partialPath } from '../../src/pull/fetch-file.ts';
import { DaptError } from '../../src/errors.ts';
import { sha256, TestServer } from './_server.ts';

const server = new TestServer();
const body = randomBytes(200_000);
const pin = { algorithm: 'sha256' as const, digest: sha256(body) };
let dir: string;
const dirs: string[] = [];
const fast = { retries: 2, backoffMs: () => 0, idleTimeoutMs: 60_000 };

before(() => server.start());
after(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dapt-fetch-'));
  dirs.push(dir);
  server.files.set('/data/file.bin', body);
  server.requests.length = 0;
  server.faults.length = 0;
  server.ignoreRange = false;
});

const dest = (): string => join(dir, 'sub', 'file.bin');
const get = (extra: Partial<Parameters<typeof fetchFile>[0]> = {}) => fetchFile({ url: `${server.url}/data/file.bin`, dest: dest(), pin, ...fast, ...extra });

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<DaptError> {
  const e = await p.then(() => assert.fail('expected an error'), (x: unknown) => x);
  assert.ok(e instanceof DaptError, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, pattern);
  return e;
}

test('success: the verified file appears at its place, no partial is left, progress reaches the total', async () => {
  let last = [0, 0 as number | null];
  const r = await get({ onProgress: (received, total) => (last = [received, total]) });
  assert.deepEqual(readFileSync(dest()), body);
  assert.equal(existsSync(partialPath(dest())), false);
  assert.deepEqual([r.bytes, r.digest, r.resumedFrom], [body.length, pin.digest, 0]);
  assert.deepEqual(last, [body.length, body.length]);
});

test('a connection cut mid-body is resumed with a Range request, within one call', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'cut', afterBytes: 65_536 } });
  await get();
  assert.deepEqual(readFileSync(dest()), body);
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1]!.range, 'bytes=65536-');
});

test('a cut download that gave up is resumed by the next run, and was never taken as done', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'cut', afterBytes: 65_536 } });
  await rejectsWith(get({ retries: 0 }), 'DAPT_DOWNLOAD', /truncated|connection lost.*resume/s);
  assert.equal(existsSync(dest()), false);
  assert.equal(readFileSync(partialPath(dest())).length, 65_536);
  const r = await get();
  assert.equal(r.resumedFrom, 65_536);
  assert.equal(server.requests.at(-1)!.range, 'bytes=65536-');
  assert.deepEqual(readFileSync(dest()), body);
});

test('a server that ignores Range sends the whole file again: the partial bytes are replaced, not doubled', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'cut', afterBytes: 1000 } });
  await assert.rejects(get({ retries: 0 }));
  server.ignoreRange = true;
  await get();
  assert.deepEqual(readFileSync(dest()), body);
});

test('checksum mismatch: the partial file is deleted and the error names the file and both hashes', async () => {
  const wrong = 'ab'.repeat(32);
  const e = await rejectsWith(get({ pin: { algorithm: 'sha256', digest: wrong } }), 'DAPT_CHECKSUM_MISMATCH', new RegExp(`file\\.bin.*${pin.digest}.*expected ${wrong}`));
  assert.deepEqual((e.detail as { expected: string }).expected, wrong);
  assert.equal(existsSync(dest()), false);
  assert.equal(existsSync(partialPath(dest())), false);
  // a fresh download that mismatches is not retried
  assert.equal(server.requests.length, 1);
});

test('stale partial bytes of another version: one clean retry, then the right file', async () => {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(partialPath(dest()), randomBytes(5000));
  await get();
  assert.deepEqual(readFileSync(dest()), body);
  assert.deepEqual(server.requests.map((r) => r.range), ['bytes=5000-', undefined]);
});

test('404 is reported at once, not retried', async () => {
  const e = await rejectsWith(get({ url: `${server.url}/data/missing.bin` }), 'DAPT_DOWNLOAD', /404, not found/);
  assert.deepEqual(e.detail, { url: `${server.url}/data/missing.bin`, status: 404 });
  assert.equal(server.requests.length, 1);
});

test('401 and 403 say how to authenticate and are not retried', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'status', status: 401 } });
  await rejectsWith(get({ authHint: 'Set TOKEN_VAR' }), 'DAPT_DOWNLOAD', /401, authentication required\. Set TOKEN_VAR/);
  server.faults.push({ match: /file\.bin/, fault: { kind: 'status', status: 403 } });
  await rejectsWith(get({ authHint: 'Set TOKEN_VAR' }), 'DAPT_DOWNLOAD', /403, access denied\. Set TOKEN_VAR/);
  assert.equal(server.requests.length, 2);
});

test('5xx and 429 are retried; too many of them give up with the last problem', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'status', status: 503 } }, { match: /file\.bin/, fault: { kind: 'status', status: 429 } });
  await get();
  assert.equal(server.requests.length, 3);
  for (let i = 0; i < 3; i++) server.faults.push({ match: /file\.bin/, fault: { kind: 'status', status: 500 } });
  await rejectsWith(get(), 'DAPT_DOWNLOAD', /HTTP 500.*gave up after 3 attempts/);
});

test('a server that never answers times out with a clear error', async () => {
  server.faults.push({ match: /file\.bin/, fault: { kind: 'hang' } });
  await rejectsWith(get({ idleTimeoutMs: 300, retries: 0 }), 'DAPT_DOWNLOAD', /no response in 0\.3 s/);
  assert.equal(existsSync(dest()), false);
});
