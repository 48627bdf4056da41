/**
 * The replay lock: one replayer per outbox at a time, across processes and (on a shared file
 * system) hosts. The holder refreshes the lock's mtime; a lock whose holder died (same host, pid
 * gone) or that has not been refreshed for a minute is taken over.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const STALE_AFTER_MS = 60_000;
const HEARTBEAT_MS = 10_000;
const TAKEOVER_STALE_MS = 10_000;

export interface HeldLock {
  release(): Promise<void>;
}

interface LockInfo {
  token: string;
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createFile(path: string, content: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(content);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function readLock(path: string): Promise<{ info: LockInfo | null; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(text) as LockInfo;
    } catch {
      // a holder that died between creating and writing the file
    }
    return { info, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function isStale(lock: { info: LockInfo | null; mtimeMs: number }): boolean {
  if (Date.now() - lock.mtimeMs > STALE_AFTER_MS) return true;
  return lock.info !== null && lock.info.host === hostname() && !alive(lock.info.pid);
}

/** Removes a stale lock; a short second lock keeps two takers from removing each other's new lock. */
async function takeOver(path: string, staleToken: string | undefined): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createFile(guard, String(process.pid)))) {
    const st = await stat(guard).catch(() => null);
    if (st && Date.now() - st.mtimeMs > TAKEOVER_STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const again = await readLock(path);
    if (again && again.info?.token === staleToken && isStale(again)) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Takes the lock, waiting up to `waitMs`; null if someone else holds it that long. */
export async function acquireLock(path: string, waitMs: number): Promise<HeldLock | null> {
  const info: LockInfo = { token: randomBytes(8).toString('hex'), pid: process.pid, host: hostname() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await createFile(path, JSON.stringify(info))) break;
    const current = await readLock(path);
    if (current && isStale(current)) {
      await takeOver(path, current.info?.token);
      continue;
    }
    if (Date.now() >= deadline) return null;
    await sleep(50 + Math.random() * 50);
  }
  const beat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();
  return {
    async release() {
      clearInterval(beat);
      const current = await readLock(path);
      if (current?.info?.token === info.token) await unlink(path).catch(() => undefined);
    },
  };
}
