// Decides whether dist/ (the ahead-of-time build of src/) may run: only when it was built from
// exactly the sources on disk now. Plain JavaScript because it runs before any TypeScript can.
// A build records the key of its sources in dist/build-key.json; the bin compares it with the
// sources at every start. Sizes and mtimes are the fast path (a few ms for ~250 files); when any
// differ (an edit, or a `git checkout` that rewrote the same content) the contents are hashed,
// so the build is used exactly when the bytes match and a stale one never runs.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Inputs of the build besides src/: a changed compiler setting changes the output too. */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
export const BUILD_KEY_FILE = 'build-key.json';

/** Every build input, relative to root, sorted. */
function inputs(root) {
  const src = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath ?? d.path, d.name)));
  return [...src, ...CONFIG_FILES].sort();
}

function stats(root, files) {
  return files.map((f) => {
    const s = statSync(join(root, f));
    return [f, s.size, s.mtimeMs];
  });
}

function contentHash(root, files) {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return hash.digest('hex');
}

/** The key of the sources as they are now: written by the build before it compiles. */
export function currentBuildKey(root) {
  const files = inputs(root);
  return { hash: contentHash(root, files), files: stats(root, files) };
}

/**
 * Whether dist/ was built from the sources on disk: { fresh: true } or { fresh: false, reason }.
 * Never throws: anything unreadable means "not fresh", and the caller runs the sources.
 */
export function checkBuild(root) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(join(root, 'dist', BUILD_KEY_FILE), 'utf8'));
  } catch {
    return { fresh: false, reason: 'no build' };
  }
  try {
    const files = inputs(root);
    const now = stats(root, files);
    const same = Array.isArray(recorded.files) && recorded.files.length === now.length
      && now.every(([f, size, mtime], i) => {
        const r = recorded.files[i];
        return r[0] === f && r[1] === size && r[2] === mtime;
      });
    if (same || contentHash(root, files) === recorded.hash) return { fresh: true };
    return { fresh: false, reason: 'sources changed since the build' };
  } catch (e) {
    return { fresh: false, reason: `cannot read the sources (${e.message})` };
  }
}
