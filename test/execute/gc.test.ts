/** `dapt gc`: removes exactly the stage directories no experiment refers to, never a locked one. */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main.ts';
import { stagePaths } from '../../src/store/layout.ts';
import { tryAcquireLock } from '../../src/execute/lock.ts';
import { planOf, tinyStudy, writeExperiment } from './_study.ts';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

async function fakeStageDir(store: string, key: string, bytes: number): Promise<void> {
  const paths = stagePaths(store, key);
  await mkdir(paths.work, { recursive: true });
  await writeFile(`${paths.work}/weights.bin`, Buffer.alloc(bytes));
}

test('gc removes unreferenced stages (after --dry-run shows them), keeps referenced and locked ones', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const before = await planOf(study);
  for (const s of before.stages) await fakeStageDir(study.store, s.key, 100);
  await writeExperiment(study, { arms: [], seeds: [1] });
  const after = await planOf(study);
  const kept = new Set(after.stages.map((s) => s.key));
  const orphans = before.stages.filter((s) => !kept.has(s.key));
  assert.ok(orphans.length >= 3, 'dropping the dapt arm orphans its stages');
  // One orphan is being worked on by a live process: never removed.
  const locked = orphans[0]!;
  const lock = await tryAcquireLock(stagePaths(study.store, locked.key).lock);
  assert.ok(lock.acquired);
  t.after(() => lock.lock.release());

  const io = (out: ReturnType<typeof capture>, err: ReturnType<typeof capture>) => ({ stdout: out.stream, stderr: err.stream, env: study.env, cwd: study.dir });
  const dryOut = capture();
  const dryErr = capture();
  assert.equal(await runCli(['gc', study.file, '--store', study.store, '--dry-run'], io(dryOut, dryErr)), 0);
  assert.equal((await readdir(`${study.store}/stages`)).length, before.stages.length, '--dry-run removes nothing');
  assert.match(dryOut.text(), new RegExp(`would remove ${orphans.length - 1} stage directories`));

  const out = capture();
  const err = capture();
  assert.equal(await runCli(['gc', study.file, '--store', study.store], io(out, err)), 0);
  const left = new Set(await readdir(`${study.store}/stages`));
  assert.deepEqual(left, new Set([...before.stages.map((s) => s.key).filter((k) => kept.has(k)), locked.key]));
  for (const o of orphans.slice(1)) assert.match(out.text(), new RegExp(`removed .*${o.key}`));
  assert.match(out.text(), /removed \d+ stage directories, [\d.]+ (B|KiB) freed/);
  assert.match(err.text(), new RegExp(`kept .*${locked.key}: a running process holds its lock`));
});
