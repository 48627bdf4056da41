/** Reading files: decoding, referenced files on disk, warnings, and the throwing variant. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.ts';
import { decodeExperimentBytes, loadExperiment, loadExperimentOrThrow } from '../../src/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'dapt-load-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test('decoding: UTF-8 text passes, NUL bytes and invalid UTF-8 do not', () => {
  assert.deepEqual(decodeExperimentBytes(Buffer.from('name: café\n')), { text: 'name: café\n' });
  assert.deepEqual(decodeExperimentBytes(Buffer.from([0x61, 0, 0x62])), { notText: 'it contains NUL bytes' });
  assert.deepEqual(decodeExperimentBytes(Buffer.from([0x61, 0xff, 0x62])), { notText: 'it is not valid UTF-8' });
});

test('a byte-order mark is ignored and positions stay right', async () => {
  const f = write('bom.yaml', '\uFEFFbase: { checkpoint: c }\ncorpora: { a: 5 }\n');
  const r = await loadExperiment(f);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(r.issues.map((i) => [i.code, i.line, i.col]), [['wrong-type', 2, 15]]);
});

test('referenced base files are read relative to the referencing file', async () => {
  write('base.yaml', 'base: { checkpoint: models/m }\n');
  const f = write('main.yaml', 'base: { experiment: ./base.yaml }\n');
  const r = await loadExperiment('main.yaml', { cwd: dir });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.deepEqual(r.experiment.points[0]!.spec.base, { kind: 'checkpoint', path: join(dir, 'models/m'), from: join(dir, 'base.yaml') });
  assert.equal(r.experiment.file, f);
  assert.deepEqual(r.warnings.map((w) => [w.code, w.file]), [['checkpoint-not-found', join(dir, 'base.yaml')]]);
});

test('a referenced file that is not text is a located error in the referencing file', async () => {
  writeFileSync(join(dir, 'bin.yaml'), Buffer.from([1, 2, 0, 3]));
  const f = write('uses-bin.yaml', 'base:\n  experiment: bin.yaml\n');
  const r = await loadExperiment(f);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.deepEqual(r.issues.map((i) => [i.code, i.line, i.col]), [['base-unreadable', 2, 15]]);
    assert.match(r.issues[0]!.message, /not a text file/);
  }
});

test('loadExperimentOrThrow throws ConfigError with the formatted issues and the issue list', async () => {
  const f = write('bad.yaml', 'base: { checkpoint: c }\nfinetune: { seeds: [] }\n');
  await assert.rejects(loadExperimentOrThrow(f), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'DAPT_CONFIG_INVALID');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /bad\.yaml:2:20: error: the seed list is empty/);
    assert.deepEqual((e.detail as Array<{ code: string }>).map((i) => i.code), ['seeds-empty']);
    return true;
  });
  const ok = await loadExperimentOrThrow(write('good.yaml', 'base: { checkpoint: c }\n'));
  assert.equal(ok.name, 'good');
});
