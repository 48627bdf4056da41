/** The bin runs dist/ only when it was built from exactly the sources on disk (bin/_build-key.js). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { BUILD_KEY_FILE, checkBuild, currentBuildKey } from '../../bin/_build-key.js';

/** A source tree with a build recorded for its current contents. */
async function builtTree(t: TestContext): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dapt-build-key-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'src', 'cli'), { recursive: true });
  await mkdir(join(root, 'dist'));
  await writeFile(join(root, 'src', 'errors.ts'), 'export const a = 1;\n');
  await writeFile(join(root, 'src', 'cli', 'main.ts'), 'export const b = 2;\n');
  await writeFile(join(root, 'tsconfig.json'), '{}');
  await writeFile(join(root, 'tsconfig.build.json'), '{}');
  await writeFile(join(root, 'dist', BUILD_KEY_FILE), JSON.stringify(currentBuildKey(root)));
  return root;
}

/** Sets a file's mtime to a moment certainly different from the one recorded. */
async function touch(path: string): Promise<void> {
  const later = new Date(Date.now() + 60_000);
  await utimes(path, later, later);
}

test('a build is used only for the sources it was built from', async (t) => {
  const cases: Array<{ change: string; apply(root: string): Promise<void>; fresh: boolean }> = [
    { change: 'nothing', apply: async () => undefined, fresh: true },
    { change: 'a source edited', apply: (root) => writeFile(join(root, 'src', 'cli', 'main.ts'), 'export const b = 3;\n'), fresh: false },
    { change: 'a source added', apply: (root) => writeFile(join(root, 'src', 'cli', 'new.ts'), ''), fresh: false },
    { change: 'the build settings edited', apply: (root) => writeFile(join(root, 'tsconfig.build.json'), '{ }'), fresh: false },
    { change: 'a source rewritten with the same bytes (as by a checkout)', apply: (root) => touch(join(root, 'src', 'errors.ts')), fresh: true },
    { change: 'a source edited keeping its size', apply: async (root) => {
      await writeFile(join(root, 'src', 'errors.ts'), 'export const a = 9;\n');
      await touch(join(root, 'src', 'errors.ts'));
    }, fresh: false },
  ];
  for (const c of cases) {
    const root = await builtTree(t);
    await c.apply(root);
    assert.equal(checkBuild(root).fresh, c.fresh, c.change);
  }
});

test('no build, or a build without its key (interrupted), is never used', async (t) => {
  const root = await builtTree(t);
  assert.deepEqual(checkBuild(root), { fresh: true });
  await rm(join(root, 'dist', BUILD_KEY_FILE));
  assert.deepEqual(checkBuild(root), { fresh: false, reason: 'no build' });
  await writeFile(join(root, 'dist', BUILD_KEY_FILE), '{"hash":');
  assert.equal(checkBuild(root).fresh, false);
});

test('the key records every source file, relative to the root', async (t) => {
  const root = await builtTree(t);
  const key = JSON.parse(await readFile(join(root, 'dist', BUILD_KEY_FILE), 'utf8')) as ReturnType<typeof currentBuildKey>;
  assert.deepEqual(key.files.map(([f]) => f), [join('src', 'cli', 'main.ts'), join('src', 'errors.ts'), 'tsconfig.build.json', 'tsconfig.json']);
});
