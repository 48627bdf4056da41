/**
 * `dapt pull hub:ID@REV`: the checkpoint files of a Hub model into the Hub cache, as Python's
 * huggingface_hub lays them out, so either side reuses what the other downloaded. The Hub API
 * calls go through @huggingface/hub; the files through fetchFile, which resumes, retries and
 * checks each one against the Hub's own id for it (the LFS sha256, or the git blob sha1).
 */
import { mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { HubApiError, listFiles, modelInfo, type ListFileEntry } from '@huggingface/hub';
import { DataError, DownloadError } from '../../errors.ts';
import type { Pin } from '../digest.ts';
import { fetchFile, type FetchFileOptions } from '../fetch-file.ts';
import { isCommit, OPTIONAL_FILES, REQUIRED_FILES, repoDir, resolveCached, snapshotDir } from './cache.ts';
import type { HubSettings } from './settings.ts';

export interface ModelPullOptions {
  settings: HubSettings;
  fetch?: Pick<FetchFileOptions, 'retries' | 'backoffMs' | 'idleTimeoutMs' | 'fetch'>;
  onFile?: (e: { path: string; state: 'present' | 'downloaded'; bytes: number }) => void;
  onProgress?: (path: string, received: number, total: number | null) => void;
}

export interface PulledModel {
  id: string;
  revision: string;
  commit: string;
  dir: string;
}

export async function pullModel(id: string, revision: string, opts: ModelPullOptions): Promise<PulledModel> {
  const s = opts.settings;
  if (s.offline) {
    const hit = resolveCached(s.cacheDir, id, revision);
    if (hit === null) {
      throw new DownloadError(`HF_HUB_OFFLINE is set and ${id}@${revision} is not in the Hub cache ${s.cacheDir}; pull it once with network access (unset HF_HUB_OFFLINE), or copy the cache from a machine that has it`, { url: `${s.endpoint}/${id}` });
    }
    return { id, revision, ...hit };
  }
  const api = { hubUrl: s.endpoint, ...(s.token ? { accessToken: s.token } : {}), fetch: opts.fetch?.fetch ?? fetch };
  const commit = await hubCall(id, revision, s, async () => {
    const info = await modelInfo({ ...api, name: id, revision, additionalFields: ['sha'] });
    return (info as { sha?: string }).sha;
  });
  if (commit === undefined || !isCommit(commit)) throw new DownloadError(`${s.endpoint}: the Hub did not say which commit ${id}@${revision} is`, { url: `${s.endpoint}/api/models/${id}` });
  const entries = await hubCall(id, commit, s, async () => {
    const out: ListFileEntry[] = [];
    for await (const e of listFiles({ ...api, repo: { type: 'model', name: id }, revision: commit })) out.push(e);
    return out;
  });
  const missing = REQUIRED_FILES.filter((f) => !entries.some((e) => e.path === f));
  if (missing.length > 0) {
    throw new DataError(`${id}@${revision} (commit ${commit}) has no ${missing.join(', ')}: dapt reads safetensors weights and a tokenizer.json. Convert the model (transformers: save_pretrained(..., safe_serialization=True) and the fast tokenizer's save) into a local directory and use base: { checkpoint: DIR }`);
  }
  const dir = snapshotDir(s.cacheDir, id, commit);
  for (const e of entries.filter((x) => REQUIRED_FILES.includes(x.path) || OPTIONAL_FILES.includes(x.path))) {
    await pullFile(id, commit, e, dir, opts);
  }
  if (!isCommit(revision)) {
    await mkdir(join(repoDir(s.cacheDir, id), 'refs'), { recursive: true });
    await writeFile(join(repoDir(s.cacheDir, id), 'refs', revision), commit);
  }
  return { id, revision, commit, dir };
}

async function pullFile(id: string, commit: string, e: ListFileEntry, dir: string, opts: ModelPullOptions): Promise<void> {
  const s = opts.settings;
  const etag = e.lfs?.oid ?? e.oid;
  if (etag === undefined) throw new DownloadError(`${id}: the Hub listed ${e.path} without an id to check it against`, { url: `${s.endpoint}/${id}` });
  const pin: Pin = e.lfs ? { algorithm: 'sha256', digest: e.lfs.oid } : { algorithm: 'git-sha1', digest: etag };
  const blob = join(repoDir(s.cacheDir, id), 'blobs', etag);
  const link = join(dir, e.path);
  let state: 'present' | 'downloaded' = 'present';
  if (!(await exists(blob))) {
    await fetchFile({
      ...opts.fetch,
      url: `${s.endpoint}/${id}/resolve/${commit}/${e.path}`,
      dest: blob,
      pin,
      headers: s.token ? { Authorization: `Bearer ${s.token}` } : {},
      authHint: 'Set HF_TOKEN (or log in with `huggingface-cli login`) to a token of an account with access to this model',
      onProgress: (received, total) => opts.onProgress?.(e.path, received, total ?? e.size),
    });
    state = 'downloaded';
  }
  await mkdir(dirname(link), { recursive: true });
  await rm(link, { force: true });
  // relative, as Python makes them, so the cache can be moved or mounted elsewhere
  await symlink(relative(dirname(link), blob), link);
  opts.onFile?.({ path: e.path, state, bytes: e.lfs?.size ?? e.size });
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Hub API errors as dapt errors that say what to do. */
async function hubCall<T>(id: string, revision: string, s: HubSettings, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const url = `${s.endpoint}/${id}`;
    if (!(e instanceof HubApiError)) throw new DownloadError(`${url}: the Hub request failed (${(e as Error).message}); check the network, HF_ENDPOINT and HF_TOKEN, or set HF_HUB_OFFLINE=1 to use the cache only`, { url });
    const status = e.statusCode;
    if (status === 401 || status === 403) {
      throw new DownloadError(`${id}: HTTP ${status}, the Hub refused access. ${s.token ? 'The token in HF_TOKEN has no access to it' : 'It may be private or gated (set HF_TOKEN), or the id may be misspelt'} (and accept the model's terms on its page if it is gated)`, { url, status });
    }
    if (status === 404) throw new DownloadError(`${id}@${revision}: HTTP 404, no such model or revision on ${s.endpoint}`, { url, status });
    throw new DownloadError(`${id}@${revision}: the Hub answered HTTP ${status} (${e.message})`, { url, status });
  }
}
