/**
 * The input catalog: finds every corpus, task and checkpoint an experiment's points read, hashes
 * their files and hands the pure planner content ids (what the data is) and locations (where it
 * is). Hashes are cached in `<cacheDir>/hashes.json` by absolute path + size + mtime, so
 * re-planning over unchanged data reads no file contents.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Experiment } from '../config/types.ts';
import { DaptError, DataError, InternalError } from '../errors.ts';
import { canonicalJson, usedInputs } from '../plan/index.ts';
import type { ContentId, InputCatalog, InputLocation } from '../plan/types.ts';
import { resolveCorpusFiles } from './corpus.ts';

export interface CatalogOptions {
  /** Absolute data root: corpus and task paths are relative to it. */
  dataRoot: string;
  /** Where `hashes.json` lives; no caching without it. */
  cacheDir?: string;
}

const TASK_SPLITS = ['train.jsonl', 'dev.jsonl', 'test.jsonl'];
const CHECKPOINT_REQUIRED = ['config.json', 'model.safetensors', 'tokenizer.json'];
/** Hashed files are streamed this many at a time: enough to overlap I/O and hashing on 2 cores. */
const HASH_CONCURRENCY = 4;
const CACHE_VERSION = 1;

interface FileEntry {
  /** Name inside the input (`.part-000.txt`, `train.jsonl`, `config.json`): not its location. */
  name: string;
  path: string;
}

interface Resolved {
  files: FileEntry[];
  location: InputLocation;
}

interface Use {
  what: string;
  file: string;
}

/** Hashes every input any point of `experiments` reads; throws DataError listing every missing one. */
export async function buildCatalog(experiments: Experiment[], opts: CatalogOptions): Promise<InputCatalog> {
  const dataRoot = resolve(opts.dataRoot);
  const corpora = new Map<string, Use>();
  const tasks = new Map<string, Use>();
  const checkpoints = new Map<string, Use>();
  for (const e of experiments) {
    for (const p of e.points) {
      const used = usedInputs(p.spec);
      for (const [path, c] of used.corpora) if (!corpora.has(path)) corpora.set(path, { what: `corpus "${c.name}"`, file: e.file });
      for (const [path, t] of used.tasks) if (!tasks.has(path)) tasks.set(path, { what: `task "${t.name}"`, file: e.file });
      for (const dir of used.checkpoints) if (!checkpoints.has(dir)) checkpoints.set(dir, { what: 'base checkpoint', file: e.file });
    }
  }

  const problems: string[] = [];
  const attempt = async (use: Use, find: () => Promise<Resolved>): Promise<Resolved | null> => {
    try {
      return await find();
    } catch (e) {
      if (!(e instanceof MissingInput) && !(e instanceof DaptError)) throw e;
      problems.push(`${use.what} (used by ${use.file}): ${e.message}`);
      return null;
    }
  };
  const resolved = {
    corpora: await resolveAll(corpora, (path, use) => attempt(use, () => findCorpus(dataRoot, path))),
    tasks: await resolveAll(tasks, (path, use) => attempt(use, () => findTask(dataRoot, path))),
    checkpoints: await resolveAll(checkpoints, (dir, use) => attempt(use, () => findCheckpoint(dir))),
  };
  if (problems.length > 0) {
    throw new DataError(`${problems.length === 1 ? 'an input is' : `${problems.length} inputs are`} missing or incomplete under data root ${dataRoot}:\n  - ${problems.join('\n  - ')}\nSet the data root with --data-root or DAPT_DATA, or fix the paths in the experiment file.`, {
      dataRoot,
      problems,
    });
  }

  const hasher = await FileHasher.open(opts.cacheDir);
  const all = [...resolved.corpora.values(), ...resolved.tasks.values(), ...resolved.checkpoints.values()];
  await hasher.hashAll(all.flatMap((r) => (r === null ? [] : r.files.map((f) => f.path))));
  await hasher.save();

  const catalog: InputCatalog = { corpora: {}, tasks: {}, checkpoints: {} };
  for (const [group, entries] of Object.entries(resolved) as Array<[keyof InputCatalog, Map<string, Resolved | null>]>) {
    for (const [id, r] of entries) if (r !== null) catalog[group][id] = { content: contentId(r.files, hasher), location: r.location };
  }
  return catalog;
}

async function resolveAll<T>(uses: Map<string, Use>, find: (id: string, use: Use) => Promise<T>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (const [id, use] of uses) out.set(id, await find(id, use));
  return out;
}

/** sha256 over the canonical list of {name, bytes, sha256}: the same files anywhere give the same id. */
function contentId(files: FileEntry[], hasher: FileHasher): ContentId {
  const list = files.map((f) => {
    const h = hasher.get(f.path);
    return { name: f.name, bytes: h.size, sha256: h.sha256 };
  });
  return createHash('sha256').update(canonicalJson(list)).digest('hex');
}

/** A missing input, described by where it was looked for. */
class MissingInput extends Error {}

async function findCorpus(dataRoot: string, path: string): Promise<Resolved> {
  const base = join(dataRoot, path);
  let files: string[];
  try {
    files = await resolveCorpusFiles(base);
  } catch (e) {
    if (e instanceof DaptError && e.code === 'DAPT_FILE_NOT_FOUND') throw new MissingInput(`not found: looked for ${base}.txt and ${base}.part-NNN.txt`);
    throw e;
  }
  const stem = basename(base);
  return { files: files.map((f) => ({ name: basename(f).slice(stem.length), path: f })), location: { kind: 'corpus', files } };
}

async function findTask(dataRoot: string, path: string): Promise<Resolved> {
  const dir = join(dataRoot, path);
  const files = TASK_SPLITS.map((name) => ({ name, path: join(dir, name) }));
  const missing: string[] = [];
  for (const f of files) if (!(await isFile(f.path))) missing.push(f.path);
  if (missing.length > 0) throw new MissingInput(`not found: looked for ${missing.join(', ')}`);
  return { files, location: { kind: 'task', dir } };
}

/** Every regular file of the directory except documentation (dotfiles, *.md), which decides no output. */
async function findCheckpoint(dir: string): Promise<Resolved> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    // a `base: {hub}` not pulled yet points into the Hub cache
    const pull = dir.includes(`${sep}snapshots${sep}`) || dir.startsWith('hub:') ? '; fetch a Hub model with `dapt pull hub:ID@REVISION`' : '';
    throw new MissingInput(`checkpoint directory not found: ${dir} (expected ${CHECKPOINT_REQUIRED.join(', ')} in it)${pull}`);
  }
  const files: FileEntry[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name.toLowerCase().endsWith('.md')) continue;
    if (await isFile(join(dir, name))) files.push({ name, path: join(dir, name) });
  }
  const missing = CHECKPOINT_REQUIRED.filter((n) => !files.some((f) => f.name === n));
  if (missing.length > 0) throw new MissingInput(`checkpoint ${dir} is incomplete: looked for ${missing.map((n) => join(dir, n)).join(', ')}`);
  return { files, location: { kind: 'checkpoint', dir } };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface HashEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** sha256 of files, streamed, remembered across runs by (absolute path, size, mtime). */
class FileHasher {
  private readonly known = new Map<string, HashEntry>();
  private changed = false;

  private constructor(
    private readonly cacheFile: string | null,
    private readonly cached: Record<string, HashEntry>,
  ) {}

  static async open(cacheDir: string | undefined): Promise<FileHasher> {
    if (cacheDir === undefined) return new FileHasher(null, {});
    const cacheFile = join(cacheDir, 'hashes.json');
    let cached: Record<string, HashEntry> = {};
    try {
      const data = JSON.parse(await readFile(cacheFile, 'utf8')) as { version?: unknown; files?: unknown };
      if (data.version === CACHE_VERSION && typeof data.files === 'object' && data.files !== null) cached = data.files as Record<string, HashEntry>;
    } catch {
      // No cache yet, or an unreadable one: it is only an optimisation, so start afresh.
    }
    return new FileHasher(cacheFile, cached);
  }

  async hashAll(paths: string[]): Promise<void> {
    const queue = [...new Set(paths)];
    const worker = async (): Promise<void> => {
      for (let path = queue.pop(); path !== undefined; path = queue.pop()) this.known.set(path, await this.hash(path));
    };
    await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  }

  get(path: string): HashEntry {
    const entry = this.known.get(path);
    if (entry === undefined) throw new InternalError(`file was not hashed: ${path}`);
    return entry;
  }

  async save(): Promise<void> {
    if (this.cacheFile === null || !this.changed) return;
    await mkdir(dirname(this.cacheFile), { recursive: true });
    await writeFileAtomic(this.cacheFile, JSON.stringify({ version: CACHE_VERSION, files: this.cached }) + '\n');
  }

  private async hash(path: string): Promise<HashEntry> {
    const s = await stat(path);
    const hit = this.cached[path];
    if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs && typeof hit.sha256 === 'string') return hit;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const entry = { size: s.size, mtimeMs: s.mtimeMs, sha256: h.digest('hex') };
    const after = await stat(path);
    // A file written to while we read it must not be remembered under its old size and mtime.
    if (after.size === s.size && after.mtimeMs === s.mtimeMs) {
      this.cached[path] = entry;
      this.changed = true;
    }
    return entry;
  }
}
