/** The stage process's reporter: throttled progress.json with an ETA, printed lines, MLflow failures contained. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunLogger } from '../../src/track/index.ts';
import { ProcessStageReporter } from '../../src/stages/reporter.ts';
import type { ProgressFile } from '../../src/store/progress-file.ts';

async function setup(t: import('node:test').TestContext, logger: RunLogger | null = null) {
  const dir = await mkdtemp(join(tmpdir(), 'dapt-reporter-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let now = 1_000_000;
  const lines: string[] = [];
  const progressPath = join(dir, 'progress.json');
  const reporter = new ProcessStageReporter({ progressPath, print: (l) => lines.push(l), logger, now: () => now });
  const read = async () => JSON.parse(await readFile(progressPath, 'utf8')) as ProgressFile;
  return { reporter, lines, read, advance: (ms: number) => (now += ms) };
}

test('progress.json: at most about once a second, with the rate and ETA seen in this process', async (t) => {
  const { reporter, read, advance } = await setup(t);
  reporter.metrics(10, { loss: 2.5 });
  reporter.progress(10, 110);
  await reporter.close();
  assert.equal((await read()).done, 10);
  advance(500);
  reporter.progress(15, 110);
  advance(400);
  reporter.progress(20, 110);
  await reporter.close();
  assert.equal((await read()).done, 20, 'close() writes the latest even inside the throttle window');
  advance(1100);
  reporter.progress(30, 110);
  await reporter.close();
  const p = await read();
  assert.equal(p.done, 30);
  assert.equal(p.rate, 10, '20 steps in 2 s since this process began at step 10');
  assert.equal(p.etaSeconds, 8);
  assert.deepEqual(p.metrics, { loss: 2.5 });
});

test('progress lines are printed at most every few seconds, and always at the end', async (t) => {
  const { reporter, lines, advance } = await setup(t);
  for (let step = 1; step <= 100; step += 1) {
    advance(100);
    reporter.progress(step, 100);
  }
  await reporter.close();
  const printed = lines.filter((l) => l.startsWith('progress'));
  assert.ok(printed.length >= 2 && printed.length <= 4, printed.join('\n'));
  assert.match(printed.at(-1)!, /^progress 100\/100 \(100\.0%\)/);
});

test('a tracking failure is one warning and never reaches the runner', async (t) => {
  const failing: RunLogger = {
    metrics() {
      throw new Error('server down');
    },
    params() {
      throw new Error('server down');
    },
    tags() {},
    artifact() {},
    flush: async () => undefined,
    finish: async () => undefined,
  };
  const { reporter, lines } = await setup(t, failing);
  reporter.metrics(1, { loss: 1 });
  reporter.metrics(2, { loss: 1 });
  reporter.params({ a: 1 });
  reporter.tags({ 'dapt.backend': 'wasm' });
  assert.equal(lines.filter((l) => l.includes('warning: MLflow')).length, 1);
  assert.equal(reporter.runnerTags['dapt.backend'], 'wasm');
});
