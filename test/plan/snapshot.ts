/**
 * Snapshot assertions for Node's test runner (which has none): compares a value's JSON with a
 * committed file under test/plan/__snapshots__/, and rewrites the file when UPDATE_SNAPSHOTS=1.
 * A missing snapshot fails (so CI never passes by writing its own expectation).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '__snapshots__');

export async function matchSnapshot(name: string, value: unknown): Promise<void> {
  const file = join(dir, `${name}.json`);
  const actual = JSON.stringify(value, null, 2) + '\n';
  if (process.env['UPDATE_SNAPSHOTS'] === '1') {
    await mkdir(dir, { recursive: true });
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch {
    assert.fail(`snapshot ${file} does not exist; create it with UPDATE_SNAPSHOTS=1 and review it before committing`);
  }
  assert.equal(actual, expected, `snapshot ${name} differs; if the change is intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff`);
}
