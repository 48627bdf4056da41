import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { jobName, probeSbatchArgs, probeScript, shellQuote, stageSbatchArgs, stageScript } from '../../../src/execute/slurm/sbatch.ts';
import { DEFAULT_RESOURCES } from '../../../src/execute/slurm/settings.ts';

const site = { partition: null, account: null, extraArgs: [] };
const job = {
  key: '08ccfe24d78980586c5cc811',
  title: 'finetune toy s1 [baseline]',
  stageDir: '/store/stages/08ccfe24d78980586c5cc811',
  logPath: '/store/stages/08ccfe24d78980586c5cc811/log.txt',
  resources: DEFAULT_RESOURCES.finetune,
  dependencies: [] as string[],
};

test('stage jobs: name, chdir, output into the stage directory, resources from the kind', () => {
  const args = stageSbatchArgs(job, site);
  assert.deepEqual(args, [
    '--parsable',
    '--job-name=dapt-finetune_toy_s1_baseline-08ccfe24',
    '--chdir=/store/stages/08ccfe24d78980586c5cc811',
    '--output=/store/stages/08ccfe24d78980586c5cc811/log.txt',
    '--open-mode=append',
    `--cpus-per-task=${DEFAULT_RESOURCES.finetune.cpus}`,
    `--mem=${DEFAULT_RESOURCES.finetune.mem}`,
    `--time=${DEFAULT_RESOURCES.finetune.time}`,
    '--signal=B:TERM@120',
  ]);
});

test('stage jobs: table of variations', () => {
  type Site = { partition: string | null; account: string | null; extraArgs: string[] };
  const rows: Array<{ name: string; change: Partial<typeof job>; settings: Site; has: string[]; noPrefix: string[] }> = [
    { name: 'dependencies wait for every parent and die with them', change: { dependencies: ['12', '15'] }, settings: site, has: ['--dependency=afterok:12:15', '--kill-on-invalid-dep=yes'], noPrefix: [] },
    { name: 'no parent to wait on', change: {}, settings: site, has: [], noPrefix: ['--dependency', '--kill-on-invalid-dep'] },
    { name: 'GPUs when asked', change: { resources: { ...DEFAULT_RESOURCES.pretrain, gpus: 2 } }, settings: site, has: ['--gres=gpu:2'], noPrefix: [] },
    { name: 'no GPU flag for 0 GPUs', change: {}, settings: site, has: [], noPrefix: ['--gres'] },
    { name: 'partition and account', change: {}, settings: { partition: 'gpu', account: 'lab', extraArgs: [] }, has: ['--partition=gpu', '--account=lab'], noPrefix: [] },
    { name: 'no partition or account unless given', change: {}, settings: site, has: [], noPrefix: ['--partition', '--account'] },
  ];
  for (const r of rows) {
    const args = stageSbatchArgs({ ...job, ...r.change }, r.settings);
    for (const a of r.has) assert.ok(args.includes(a), `${r.name}: ${a} in ${args.join(' ')}`);
    for (const p of r.noPrefix) assert.ok(!args.some((x) => x.startsWith(p)), `${r.name}: nothing starting with ${p} in ${args.join(' ')}`);
  }
});

test('extra arguments come last, so a repeated option from the user wins', () => {
  const args = stageSbatchArgs(job, { partition: 'p', account: null, extraArgs: ['--mem=1G', '--qos=high'] });
  assert.deepEqual(args.slice(-2), ['--mem=1G', '--qos=high']);
  assert.ok(args.indexOf(`--mem=${DEFAULT_RESOURCES.finetune.mem}`) < args.indexOf('--mem=1G'));
});

test('job names are readable, bounded and keyed', () => {
  assert.equal(jobName('pretrain dapt(cs) ← base', 'abcdef0123456789'), 'dapt-pretrain_dapt_cs_base-abcdef01');
  const long = jobName('x'.repeat(200), 'k'.repeat(24));
  assert.ok(long.length <= 64 && long.endsWith('-kkkkkkkk'));
});

test('the batch script checks the parents, exports the lock token and execs the stage', () => {
  const script = stageScript({
    key: job.key,
    title: job.title,
    attempt: 2,
    command: ['/usr/bin/node', "/opt/it's dapt/bin/dapt.js", 'stage', '/store/stages/k/spec.json'],
    parentManifests: ['/store/stages/p/manifest.json'],
    setup: ['module load nodejs/20'],
    env: { DAPT_STAGE_LOCK_TOKEN: 'tok-1' },
  });
  const lines = script.trim().split('\n');
  assert.equal(lines[0], '#!/bin/sh');
  assert.match(lines[1]!, /attempt 2/);
  assert.equal(lines[2], 'module load nodejs/20');
  assert.equal(lines[3], "export DAPT_STAGE_LOCK_TOKEN='tok-1'");
  assert.match(lines[4]!, /^\[ -f '\/store\/stages\/p\/manifest.json' \] \|\| \{ .*exit 3; \}$/);
  assert.equal(lines.at(-1), `exec '/usr/bin/node' '/opt/it'\\''s dapt/bin/dapt.js' 'stage' '/store/stages/k/spec.json'`);
  // The shell reads it back as the same words.
  const words = execFileSync('sh', ['-c', `for w in ${['a b', "it's", '$HOME', '`x`'].map(shellQuote).join(' ')}; do printf '%s\\n' "$w"; done`], { encoding: 'utf8' });
  assert.deepEqual(words.trim().split('\n'), ['a b', "it's", '$HOME', '`x`']);
});

test('the store check job asks for almost nothing and writes the marker', () => {
  const p = { dir: '/store/slurm/store-check', marker: '/store/slurm/store-check/u.seen', mustExist: ['/usr/bin/node', '/opt/dapt/bin/dapt.js'] };
  const args = probeSbatchArgs(p, { partition: 'gpu', account: null, extraArgs: ['--mem=64G'] });
  assert.ok(args.includes('--chdir=/store/slurm/store-check'));
  assert.ok(args.includes('--partition=gpu'));
  assert.ok(args.indexOf('--mem=64G') < args.indexOf('--mem=64M'), 'its own small request comes after the user\'s');
  const script = probeScript(p, []);
  assert.match(script, /\[ -e '\/usr\/bin\/node' \]/);
  assert.match(script, /hostname > '\/store\/slurm\/store-check\/u.seen'/);
});
