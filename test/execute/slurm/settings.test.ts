import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExecutionSpec } from '../../../src/config/types.ts';
import { isDaptError } from '../../../src/errors.ts';
import { loadExecutionProfile } from '../../../src/config/profile.ts';
import type { ExecutionProfile } from '../../../src/config/types.ts';
import { DEFAULT_POLL_MS, DEFAULT_RESOURCES, resolveSlurmSettings, stageResources } from '../../../src/execute/slurm/settings.ts';

const fromFile: ExecutionSpec = { executor: 'slurm', jobs: null, slurm: { partition: 'cpu', account: 'lab', gpus: 1, extraArgs: ['--qos=low'] } };

function profile(slurm: ExecutionProfile['slurm']): ExecutionProfile {
  return { file: '/p.yaml', executor: null, jobs: null, slurm };
}

test('defaults: resources by kind, no partition or account, no GPUs', () => {
  const s = resolveSlurmSettings(null, null);
  assert.deepEqual(s.resources, DEFAULT_RESOURCES);
  assert.deepEqual([s.partition, s.account, s.extraArgs, s.setup, s.pollMs], [null, null, [], [], DEFAULT_POLL_MS]);
});

test('the experiment file: GPUs go to the kinds that run a model only', () => {
  const s = resolveSlurmSettings(fromFile, null);
  assert.deepEqual([s.partition, s.account, s.extraArgs], ['cpu', 'lab', ['--qos=low']]);
  for (const kind of ['pretrain', 'finetune', 'evaluate', 'select'] as const) assert.equal(s.resources[kind].gpus, 1, kind);
  assert.equal(s.resources.aggregate.gpus, 0);
});

test('a selection that runs no model (TF-IDF, random) asks for no GPU; one that embeds with a model does', () => {
  const s = resolveSlurmSettings(fromFile, profile({ resources: { select: { gpus: 2 } } }));
  assert.equal(stageResources(s, 'select', true).gpus, 2);
  assert.deepEqual(stageResources(s, 'select', false), { ...s.resources.select, gpus: 0 });
  assert.equal(stageResources(s, 'pretrain', true).gpus, fromFile.slurm!.gpus);
});

test('the profile overrides the file field by field; extra args are appended after the file\'s', () => {
  const s = resolveSlurmSettings(
    fromFile,
    profile({ partition: 'gpu', gpus: 2, extraArgs: ['--qos=high'], setup: ['module load nodejs'], pollSeconds: 0.5, resources: { default: { mem: '4G' }, pretrain: { time: '2-00:00:00', gpus: 4 } } }),
  );
  assert.equal(s.partition, 'gpu');
  assert.equal(s.account, 'lab', 'kept from the file');
  assert.deepEqual(s.extraArgs, ['--qos=low', '--qos=high']);
  assert.deepEqual(s.setup, ['module load nodejs']);
  assert.equal(s.pollMs, 500);
  assert.deepEqual(s.resources.pretrain, { cpus: DEFAULT_RESOURCES.pretrain.cpus, mem: '4G', time: '2-00:00:00', gpus: 4 });
  assert.deepEqual(s.resources.finetune, { ...DEFAULT_RESOURCES.finetune, mem: '4G', gpus: 2 });
  assert.equal(s.resources.aggregate.gpus, 0);
});

test('profile files: read, and bad ones rejected with file:line:col', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dapt-profile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.yaml');
  await writeFile(good, 'executor: slurm\njobs: 3\nslurm:\n  partition: gpu\n  extra_args: [--qos=high]\n  poll_seconds: 2\n  resources:\n    pretrain: { cpus: 16, mem: 64G, time: "24:00:00" }\n');
  const p = await loadExecutionProfile('good.yaml', dir);
  assert.deepEqual(p, { file: good, executor: 'slurm', jobs: 3, slurm: { partition: 'gpu', extraArgs: ['--qos=high'], pollSeconds: 2, resources: { pretrain: { cpus: 16, mem: '64G', time: '24:00:00' } } } });

  const rows: Array<{ text: string; where: string; message: RegExp }> = [
    { text: 'slurm:\n  partiton: gpu\n', where: ':2:3', message: /unknown key "partiton"/ },
    { text: 'slurm:\n  resources:\n    finetune: { mem: lots }\n', where: ':3:22', message: /must match pattern/ },
    { text: 'jobs: 0\n', where: ':1:7', message: /must be >= 1/ },
    { text: 'slurm: [\n', where: ':2:1', message: /YAML syntax error/ },
  ];
  for (const [i, r] of rows.entries()) {
    const file = join(dir, `bad${i}.yaml`);
    await writeFile(file, r.text);
    await assert.rejects(loadExecutionProfile(file, dir), (e: unknown) => {
      assert.ok(isDaptError(e) && e.code === 'DAPT_CONFIG_INVALID', String(e));
      assert.match((e as Error).message, new RegExp(`bad${i}\\.yaml${r.where}`));
      assert.match((e as Error).message, r.message);
      return true;
    });
  }
  await assert.rejects(loadExecutionProfile('missing.yaml', dir), /profile file not found/);
});
