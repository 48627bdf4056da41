/** `base: { hub, revision }`: resolved through the Hub cache resolver into a checkpoint base. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateExperimentText } from '../../src/config/validate.ts';
import type { HubResolver } from '../../src/config/types.ts';

const commit = 'c'.repeat(40);
const doc = (base: string) => `name: h\nbase: ${base}\ntasks:\n  t: { path: tasks/t, metric: accuracy }\nfinetune: { seeds: [1] }\n`;
const noRefs = () => ({ error: 'no references here' });
const cache: HubResolver = (id, revision) =>
  id === 'org/m' && (revision === 'main' || revision === commit) ? { dir: `/cache/models--org--m/snapshots/${commit}`, commit } : { dir: `/cache/models--${id.replace('/', '--')}/snapshots/${revision}`, commit: null };
const exists = (dir: string) => dir.includes(commit);

const rows: Array<{ base: string; path: string; hub: { id: string; revision: string; commit: string | null }; warning: boolean }> = [
  { base: '{ hub: org/m, revision: main }', path: `/cache/models--org--m/snapshots/${commit}`, hub: { id: 'org/m', revision: 'main', commit }, warning: false },
  { base: '{ hub: org/m }', path: `/cache/models--org--m/snapshots/${commit}`, hub: { id: 'org/m', revision: 'main', commit }, warning: false },
  { base: `{ hub: org/m, revision: ${commit} }`, path: `/cache/models--org--m/snapshots/${commit}`, hub: { id: 'org/m', revision: commit, commit }, warning: false },
  { base: '{ hub: roberta-base, revision: v1 }', path: '/cache/models--roberta-base/snapshots/v1', hub: { id: 'roberta-base', revision: 'v1', commit: null }, warning: true },
];

for (const row of rows) {
  test(`base: ${row.base}`, () => {
    const r = validateExperimentText(doc(row.base), '/exp/h.yaml', noRefs, { resolveHub: cache, checkpointExists: exists });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    assert.deepEqual(r.experiment.points[0]!.spec.base, { kind: 'checkpoint', path: row.path, from: null, hub: row.hub });
    const w = r.warnings.find((x) => x.code === 'checkpoint-not-found');
    assert.equal(w !== undefined, row.warning);
    if (w) assert.match(w.message, /`dapt pull hub:roberta-base@v1` fetches it/);
  });
}

test('a Hub id must look like one', () => {
  const r = validateExperimentText(doc('{ hub: "not an id" }'), '/exp/h.yaml', noRefs, { resolveHub: cache });
  assert.equal(r.ok, false);
});
