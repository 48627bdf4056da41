/**
 * The Hub cache layout shared with Python (`models--OWNER--NAME/{blobs,snapshots,refs}`): a
 * revision's files are symlinks in `snapshots/<commit>/` to content-addressed `blobs/<etag>`, and
 * `refs/<branch>` holds the commit a branch pointed to when last pulled.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What dapt needs of a checkpoint (src/data/catalog.ts checks the same). */
export const REQUIRED_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];
/** Also taken when the repository has them: the tokenizer's settings and vocabularies. */
export const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

export const isCommit = (revision: string): boolean => /^[0-9a-f]{40}$/.test(revision);

/**
 * `models--OWNER--NAME`: @huggingface/hub's getRepoFolderName rule (a test holds them equal),
 * written out so that loading a config, which resolves `base: {hub}`, does not load the Hub client.
 */
export function repoDir(cacheDir: string, id: string): string {
  return join(cacheDir, ['models', ...id.split('/')].join('--'));
}

export function snapshotDir(cacheDir: string, id: string, commit: string): string {
  return join(repoDir(cacheDir, id), 'snapshots', commit);
}

/** The commit a revision names in the cache: itself if it is one, else what its ref holds. */
export function cachedCommit(cacheDir: string, id: string, revision: string): string | null {
  if (isCommit(revision)) return revision;
  try {
    const commit = readFileSync(join(repoDir(cacheDir, id), 'refs', revision), 'utf8').trim();
    return isCommit(commit) ? commit : null;
  } catch {
    return null;
  }
}

/**
 * The snapshot of `id@revision` when the cache has every required file of it, else null.
 * Synchronous: the config loader resolves `base: { hub }` with it while validating.
 */
export function resolveCached(cacheDir: string, id: string, revision: string): { commit: string; dir: string } | null {
  const commit = cachedCommit(cacheDir, id, revision);
  if (commit === null) return null;
  const dir = snapshotDir(cacheDir, id, commit);
  for (const f of REQUIRED_FILES) {
    try {
      // stat follows the symlink: a link to a missing blob does not count
      if (!statSync(join(dir, f)).isFile()) return null;
    } catch {
      return null;
    }
  }
  return { commit, dir };
}
