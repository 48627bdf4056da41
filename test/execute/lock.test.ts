/** Stage locks: exclusive, released only by their holder, stale ones taken over exactly once. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { adoptLock, lockStatus, tryAcquireLock } from '../../src/execute/lock.ts';

async function lockPath(t: import('node:test').TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dapt-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'lock');
}

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await child;
  return pid;
}

function lockText(pid: number, host = hostname(), token = 'old'): string {
  return JSON.stringify({ pid, hostname: host, startedAt: new Date().toISOString(), token });
}

test('a held lock cannot be taken; after release it can', async (t) => {
  const path = await lockPath(t);
  const first = await tryAcquireLock(path);
  assert.ok(first.acquired);
  const second = await tryAcquireLock(path);
  assert.equal(second.acquired, false);
  assert.equal(second.acquired ? null : second.holder?.pid, process.pid);
  assert.equal((await lockStatus(path)).state, 'held');
  await first.lock.release();
  assert.equal((await lockStatus(path)).state, 'free');
  const third = await tryAcquireLock(path);
  assert.ok(third.acquired);
});

test('release by a holder whose lock was taken over leaves the new lock alone', async (t) => {
  const path = await lockPath(t);
  const got = await tryAcquireLock(path);
  assert.ok(got.acquired);
  await writeFile(path, lockText(process.pid, hostname(), 'someone-else'));
  await got.lock.release();
  assert.equal(JSON.parse(await readFile(path, 'utf8')).token, 'someone-else');
});

test('a lock whose processes are dead is stale and taken over', async (t) => {
  const path = await lockPath(t);
  await writeFile(path, lockText(await deadPid()));
  assert.equal((await lockStatus(path)).state, 'stale');
  const got = await tryAcquireLock(path);
  assert.ok(got.acquired);
  assert.equal(JSON.parse(await readFile(path, 'utf8')).pid, process.pid);
});

test('a lock is live while its stage process lives, even if the run that took it died', async (t) => {
  const path = await lockPath(t);
  await writeFile(path, JSON.stringify({ ...JSON.parse(lockText(await deadPid())), childPid: process.pid }));
  assert.equal((await lockStatus(path)).state, 'held');
  assert.equal((await tryAcquireLock(path)).acquired, false);
});

test('a lock from another host is never judged stale', async (t) => {
  const path = await lockPath(t);
  await writeFile(path, lockText(await deadPid(), 'some-other-node'));
  assert.equal((await lockStatus(path)).state, 'held');
});

test('two processes racing for one stale lock: exactly one wins', async (t) => {
  const path = await lockPath(t);
  const dead = await deadPid();
  for (let round = 0; round < 20; round += 1) {
    await writeFile(path, lockText(dead, hostname(), `old-${round}`));
    const results = await Promise.all([tryAcquireLock(path), tryAcquireLock(path), tryAcquireLock(path)]);
    assert.equal(results.filter((r) => r.acquired).length, 1, `round ${round}`);
    for (const r of results) if (r.acquired) await r.lock.release();
  }
});

test('a stage process adopts the lock its run took, by token only', async (t) => {
  const path = await lockPath(t);
  const got = await tryAcquireLock(path);
  assert.ok(got.acquired);
  assert.equal(await adoptLock(path, 'wrong-token'), null);
  const adopted = await adoptLock(path, got.lock.token);
  assert.ok(adopted);
  await got.lock.update({ childPid: 12345 });
  assert.equal(JSON.parse(await readFile(path, 'utf8')).childPid, 12345);
});
