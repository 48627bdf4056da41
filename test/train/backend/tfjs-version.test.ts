/** The one gate in front of every TF.js internal the trainer touches (src/train/backend/tfjs-version.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadedTfjsVersions, TFJS_INTERNALS_VERSION, tfjsVersionError } from '../../../src/train/backend/tfjs-version.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };

test('the gate expects the release package.json pins, and the installed packages are it', async () => {
  const found = await loadedTfjsVersions();
  for (const name of Object.keys(found)) assert.equal(pkg.dependencies[name], TFJS_INTERNALS_VERSION, `package.json pins ${name}`);
  assert.equal(tfjsVersionError(found), null);
});

test('any package that owns an internal at another release fails the gate, naming expected and found', async () => {
  const found = await loadedTfjsVersions();
  for (const name of Object.keys(found)) {
    const other = `${TFJS_INTERNALS_VERSION}-next`;
    const error = tfjsVersionError({ ...found, [name]: other });
    assert.ok(error !== null, name);
    assert.equal(error.code, 'DAPT_BACKEND_UNAVAILABLE');
    assert.ok(error.message.includes(`written for ${TFJS_INTERNALS_VERSION}`), error.message);
    assert.ok(error.message.includes(`found ${name} ${other}`), error.message);
    assert.deepEqual(error.detail, { expected: TFJS_INTERNALS_VERSION, found: { ...found, [name]: other } });
  }
});
