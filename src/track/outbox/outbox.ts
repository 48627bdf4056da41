/**
 * The outbox folder (`<store>/mlflow-outbox/`):
 *   pending/<time>-<host>-<pid>-<seq>.<runKey>.<kind>.json   records, in the order they were made
 *   ids/<placeholder>.json                            placeholder run id → the real run, once created
 *   rejected/<name>.json                              records a store refused for good, with the reason
 *   replay.lock                                       held by whoever replays (see lock.ts)
 * Every file is written atomically, so a crash leaves either the old or the new content.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { CreatedRun } from '../types.ts';
import type { OutboxRecord } from './records.ts';

const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'host';
let lastTime = 0;
let seq = 0;

function recordName(runKey: string, kind: string): string {
  lastTime = Math.max(lastTime, Date.now()); // never backwards within a process
  seq += 1;
  return `${String(lastTime).padStart(15, '0')}-${HOST}-${process.pid}-${String(seq).padStart(8, '0')}.${runKey}.${kind}.json`;
}

export class Outbox {
  readonly dir: string;
  readonly #pending: string;
  readonly #rejected: string;
  readonly #ids: string;

  constructor(dir: string) {
    this.dir = dir;
    this.#pending = join(dir, 'pending');
    this.#rejected = join(dir, 'rejected');
    this.#ids = join(dir, 'ids');
  }

  get lockPath(): string {
    return join(this.dir, 'replay.lock');
  }

  get rejectedDir(): string {
    return this.#rejected;
  }

  async append(record: OutboxRecord): Promise<string> {
    await mkdir(this.#pending, { recursive: true });
    const name = recordName(record.runKey, record.kind);
    await writeFileAtomic(join(this.#pending, name), JSON.stringify(record));
    return name;
  }

  /** Pending record names, oldest first. */
  async list(): Promise<string[]> {
    const names = await readdir(this.#pending).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json')).sort();
  }

  static runKeyOf(name: string): string {
    return name.split('.')[1] ?? '';
  }

  static kindOf(name: string): string {
    return name.split('.')[2] ?? '';
  }

  async hasPending(runKey: string): Promise<boolean> {
    return (await this.list()).some((n) => Outbox.runKeyOf(n) === runKey);
  }

  async read(name: string): Promise<OutboxRecord | null> {
    try {
      return JSON.parse(await readFile(join(this.#pending, name), 'utf8')) as OutboxRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async rewrite(name: string, record: OutboxRecord): Promise<void> {
    await writeFileAtomic(join(this.#pending, name), JSON.stringify(record));
  }

  async remove(name: string): Promise<void> {
    await unlink(join(this.#pending, name)).catch((e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
  }

  /** Moves a pending record (or stores a new one) to rejected/, with the reason beside it. */
  async reject(name: string | null, record: OutboxRecord, reason: string): Promise<void> {
    await mkdir(this.#rejected, { recursive: true });
    const target = name ?? recordName(record.runKey, record.kind);
    await writeFileAtomic(join(this.#rejected, target), JSON.stringify({ reason, record }, null, 1));
    if (name !== null) await this.remove(name);
  }

  /** Where the real run of a placeholder is recorded once it exists. */
  idFile(placeholder: string): string {
    return join(this.#ids, `${placeholder}.json`);
  }

  async mapped(placeholder: string): Promise<CreatedRun | null> {
    try {
      return JSON.parse(await readFile(this.idFile(placeholder), 'utf8')) as CreatedRun;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async saveMapping(placeholder: string, run: CreatedRun): Promise<void> {
    await mkdir(this.#ids, { recursive: true });
    await writeFileAtomic(this.idFile(placeholder), JSON.stringify(run));
  }

  async counts(): Promise<{ pending: number; rejected: number }> {
    const rejected = await readdir(this.#rejected).catch(() => [] as string[]);
    return { pending: (await this.list()).length, rejected: rejected.filter((n) => n.endsWith('.json')).length };
  }
}

