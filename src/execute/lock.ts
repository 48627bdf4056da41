/**
 * Per-stage locks: a `lock` file created with O_EXCL that names the processes working on the
 * stage (the `dapt run` that started it and the stage process itself), so two runs on one store
 * never train the same stage at once. A lock whose processes are all dead on this host is stale
 * and may be taken over; a lock from another host is never judged stale here (its pids mean
 * nothing on this machine). A lock held for a cluster job (`extra.executor` and `extra.jobId`) is
 * judged by the job instead: stale once it is no longer queued or running, wherever it ran.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import writeFileAtomic from 'write-file-atomic';

export interface LockInfo {
  /** The process that took the lock. */
  pid: number;
  hostname: string;
  startedAt: string;
  /** Identifies this holder: only the holder releases the lock. */
  token: string;
  /** The stage process, once started (local executor). */
  childPid?: number;
  /** Anything else an executor records (a Slurm job id, …). */
  extra?: Record<string, string | number>;
}

export type LockStatus =
  | { state: 'free' }
  | { state: 'held'; info: LockInfo | null }
  | { state: 'stale'; info: LockInfo };

/** A file created but not yet written by its holder reads empty; only an old one is abandoned. */
const UNREADABLE_LOCK_GRACE_MS = 30_000;
/** A takeover guard older than this belongs to a process that died mid-takeover. */
const TAKEOVER_GUARD_GRACE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLockInfo(path: string): Promise<{ info: LockInfo | null; text: string } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return { info: typeof info.pid === 'number' ? info : null, text };
  } catch {
    return { info: null, text };
  }
}

/**
 * Executors whose stage processes are cluster jobs (`extra: { executor, jobId }`): whether the job
 * is still queued or running (null: cannot tell from here, so the lock counts as held).
 */
const jobLiveness: Record<string, (jobId: string) => Promise<boolean | null>> = {
  slurm: async (jobId) => (await import('./slurm/liveness.ts')).slurmJobAlive(jobId),
};

async function isStale(info: LockInfo): Promise<boolean> {
  const executor = info.extra?.['executor'];
  const jobId = info.extra?.['jobId'];
  const liveness = typeof executor === 'string' ? jobLiveness[executor] : undefined;
  // Until the job id is recorded, the submitting process stands for the job (checked below).
  if (liveness && jobId !== undefined) return (await liveness(String(jobId))) === false;
  if (info.hostname !== hostname()) return false;
  const pids = [info.pid, info.childPid].filter((p): p is number => typeof p === 'number');
  return pids.every((pid) => !isProcessAlive(pid));
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

export async function lockStatus(path: string): Promise<LockStatus> {
  const read = await readLockInfo(path);
  if (!read) return { state: 'free' };
  if (!read.info) {
    if ((await ageMs(path)) > UNREADABLE_LOCK_GRACE_MS) {
      return { state: 'stale', info: { pid: -1, hostname: hostname(), startedAt: '', token: '' } };
    }
    return { state: 'held', info: null };
  }
  return (await isStale(read.info)) ? { state: 'stale', info: read.info } : { state: 'held', info: read.info };
}

export class HeldLock {
  constructor(
    readonly path: string,
    private info: LockInfo,
  ) {}

  get token(): string {
    return this.info.token;
  }

  /** Records more about the holder (the stage process's pid, a job id), atomically. */
  async update(fields: { childPid?: number; extra?: Record<string, string | number> }): Promise<void> {
    this.info = { ...this.info, ...fields };
    await writeFileAtomic(this.path, JSON.stringify(this.info) + '\n');
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const read = await readLockInfo(this.path);
    if (read?.info?.token === this.info.token) await rm(this.path, { force: true });
  }
}

async function createExclusive(path: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(JSON.stringify(info) + '\n');
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Takes over a stale lock. A separate O_EXCL guard file serialises takers, so two processes that
 * both saw the same stale lock cannot both delete it and then each hold "their" new lock.
 */
async function takeOver(path: string, seen: LockStatus & { state: 'stale' }, info: LockInfo): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, info))) {
    if ((await ageMs(guard)) > TAKEOVER_GUARD_GRACE_MS) await rm(guard, { force: true });
    return false;
  }
  try {
    const now = await lockStatus(path);
    if (now.state === 'held') return false;
    if (now.state === 'stale' && now.info.token !== seen.info.token) return false;
    await rm(path, { force: true });
    return await createExclusive(path, info);
  } finally {
    await rm(guard, { force: true });
  }
}

export type AcquireResult = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockInfo | null };

/** Tries once to take the lock (taking over a stale one); never waits. */
export async function tryAcquireLock(path: string, extra?: Record<string, string | number>): Promise<AcquireResult> {
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    ...(extra ? { extra } : {}),
  };
  if (await createExclusive(path, info)) return { acquired: true, lock: new HeldLock(path, info) };
  const status = await lockStatus(path);
  if (status.state === 'free') {
    // Released between our attempt and the read: try once more.
    if (await createExclusive(path, info)) return { acquired: true, lock: new HeldLock(path, info) };
    return { acquired: false, holder: null };
  }
  if (status.state === 'stale' && (await takeOver(path, status, info))) {
    return { acquired: true, lock: new HeldLock(path, info) };
  }
  return { acquired: false, holder: status.state === 'held' ? status.info : null };
}

/** Adopts a lock another process took for us (the stage process under `dapt run`). */
export async function adoptLock(path: string, token: string): Promise<HeldLock | null> {
  const read = await readLockInfo(path);
  if (!read?.info || read.info.token !== token) return null;
  return new HeldLock(path, read.info);
}

export function describeHolder(info: LockInfo | null): string {
  if (!info) return 'another process';
  const child = info.childPid ? `, stage process ${info.childPid}` : '';
  const job = info.extra?.['jobId'] !== undefined ? `${String(info.extra['executor'] ?? 'cluster')} job ${info.extra['jobId']} submitted by ` : '';
  return `${job}pid ${info.pid}${child} on ${info.hostname} since ${info.startedAt}`;
}
