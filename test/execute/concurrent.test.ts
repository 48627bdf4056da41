/** Two `dapt run`s on one store at the same time: every stage is trained exactly once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, planOf, readMarker, startRun, tinyStudy } from './_study.ts';

test('two concurrent runs on one store train each stage once and both succeed', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const plan = await planOf(study);
  const env = { DAPT_FAKE_STEPS: '10', DAPT_FAKE_STEP_MS: '30' };
  const [a, b] = await Promise.all([startRun(t, study, ['--jobs', '2'], env), startRun(t, study, ['--jobs', '2'], env)]);
  assert.equal(a.exitCode, 0, a.all);
  assert.equal(b.exitCode, 0, b.all);
  const marker = await readMarker(study);
  for (const stage of plan.stages) {
    assert.equal(count(marker, 'start', stage.key), 1, `${stage.title} started once`);
    assert.equal(count(marker, 'done', stage.key), 1, `${stage.title} finished once`);
  }
  // The run that did not train a stage reports it as finished by the other one.
  assert.match(`${a.all}\n${b.all}`, /finished by another run|held by another run/);
});
