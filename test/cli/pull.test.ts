/**
 * `dapt pull` through the real CLI against a loopback server: the data pack's real pins (served
 * from the repository's own quickstart copy), did-you-mean, --list, and a Hub model that a
 * `base: {hub, revision}` experiment then plans from, its commit deciding the stage keys.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { getRepoFolderName } from '@huggingface/hub';
import { repoDir } from '../../src/pull/hub/cache.ts';
import { TestServer } from '../pull/_server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sample = join(root, 'data', 'quickstart', 'tasks', 'citation_intent');
const server = new TestServer();
const dir = mkdtempSync(join(tmpdir(), 'dapt-pull-cli-'));
const c1 = 'a'.repeat(40);
const c2 = 'b'.repeat(40);
const splits = ['train', 'dev', 'test'];

before(async () => {
  await server.start();
  for (const s of splits) server.files.set(`/pack/tasks/citation_intent/${s}.jsonl`, readFileSync(join(sample, `${s}.jsonl`)));
  const files = (weights: Buffer) => ({
    'config.json': { data: Buffer.from('{"model_type": "bert"}'), lfs: false },
    'model.safetensors': { data: weights, lfs: true },
    'tokenizer.json': { data: Buffer.from('{}'), lfs: false },
  });
  server.hub.set('org/tiny', { refs: { main: c2 }, commits: { [c1]: files(randomBytes(5000)), [c2]: files(randomBytes(5000)) } });
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function dapt(args: string[], env: Record<string, string> = {}) {
  // no inherited DAPT_* or HF_* settings: the test says everything
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HF_') && !k.startsWith('DAPT_')));
  return execa(process.execPath, [join(root, 'bin', 'dapt.js'), ...args], { cwd: dir, env: { ...clean, HF_HOME: join(dir, 'hf'), ...env }, extendEnv: false, reject: false });
}

test('the data pack from a mirror: checked against the pins of MANIFEST.md, then found present', async () => {
  const data = join(dir, 'data');
  const r = await dapt(['pull', 'mini/tasks/citation_intent', '--mirror', `${server.url}/pack`, '--data-root', data]);
  assert.equal(r.exitCode, 0, r.stderr);
  for (const s of splits) assert.deepEqual(readFileSync(join(data, 'tasks', 'citation_intent', `${s}.jsonl`)), readFileSync(join(sample, `${s}.jsonl`)));
  assert.match(r.stderr, /downloaded .*train\.jsonl \(437411 bytes\) sha256 ea792524890919e0756ab56cf363223668cff2ae1fa3bfb9b725fc0af7f91e2b verified/);
  const again = await dapt(['pull', 'mini/tasks/citation_intent', '--data-root', data], { DAPT_MIRROR: `${server.url}/pack` });
  assert.equal(again.exitCode, 0, again.stderr);
  assert.equal(again.stderr.match(/^present /gm)?.length, 3);
  const list = await dapt(['pull', '--list'], { DAPT_DATA: data });
  assert.match(list.stdout, /mini\/tasks\/citation_intent +task +0\.5 MB +sha256 pinned +present /);
  assert.match(list.stdout, /mini\/corpora\/cs +corpus +7\.7 MB +sha256 pinned +absent /);
  assert.match(list.stdout, /realnews +corpus/);
  assert.match(list.stdout, /hub:roberta-base +absent/);
});

test('unknown names get a did-you-mean before anything is downloaded; unreleased corpora say where to go', async () => {
  const r = await dapt(['pull', 'mini/tasks/citation_intent', 'citaton_intent', '--mirror', `${server.url}/pack`, '--data-root', join(dir, 'none')]);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /DAPT_USAGE.*unknown dataset or model "citaton_intent"; did you mean "citation_intent"\?/);
  const u = await dapt(['pull', 's2orc_cs']);
  assert.equal(u.exitCode, 2);
  assert.match(u.stderr, /DAPT_NOT_DOWNLOADABLE.*s2orc_cs \(corpus\) cannot be pulled: .*S2ORC/);
});

test('a Hub model pulled by branch, planned from `base: {hub, revision}`: the commit decides the stage keys', async () => {
  const hf = { HF_ENDPOINT: server.url, HF_HUB_CACHE: join(dir, 'hub') };
  const data = join(dir, 'plan-data');
  mkdirSync(join(data, 'tasks', 't'), { recursive: true });
  for (const s of splits) writeFileSync(join(data, 'tasks', 't', `${s}.jsonl`), ['a', 'b', 'c', 'd'].map((x, i) => JSON.stringify({ text: `${s} ${x}`, label: String(i % 2) })).join('\n') + '\n');
  const keysWith = async (revision: string, env: Record<string, string> = {}): Promise<string[]> => {
    const file = join(dir, `exp-${revision.slice(0, 6)}.yaml`);
    writeFileSync(file, `name: hubbed\nbase: { hub: org/tiny, revision: ${revision} }\ntasks:\n  t: { path: tasks/t, metric: accuracy }\nfinetune: { seeds: [1] }\n`);
    const r = await dapt(['plan', file, '--format', 'json', '--data-root', data], { ...hf, ...env });
    assert.equal(r.exitCode, 0, r.stderr);
    return (JSON.parse(r.stdout) as { stages: { key: string }[] }).stages.map((s) => s.key).sort();
  };

  writeFileSync(join(dir, 'unpulled.yaml'), 'name: u\nbase: { hub: org/tiny }\ntasks:\n  t: { path: tasks/t, metric: accuracy }\nfinetune: { seeds: [1] }\n');
  const warn = await dapt(['validate', join(dir, 'unpulled.yaml')], hf);
  assert.match(warn.stdout + warn.stderr, /org\/tiny@main is not in the Hub cache; `dapt pull hub:org\/tiny@main` fetches it/);

  const pulled = await dapt(['pull', 'hub:org/tiny@main'], hf);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  assert.match(pulled.stdout, new RegExp(`commit ${c2} in .*models--org--tiny/snapshots/${c2}`));
  const byBranch = await keysWith('main');
  assert.deepEqual(await keysWith(c2), byBranch);

  assert.equal((await dapt(['pull', `hub:org/tiny@${c1}`], hf)).exitCode, 0);
  assert.notDeepEqual(await keysWith(c1), byBranch);

  // offline: the cache answers, the server is not asked
  const asked = server.requests.length;
  const offline = await dapt(['pull', 'hub:org/tiny@main'], { ...hf, HF_HUB_OFFLINE: '1' });
  assert.equal(offline.exitCode, 0, offline.stderr);
  assert.equal(server.requests.length, asked);
});

test("the Hub cache folder rule is @huggingface/hub's", () => {
  for (const id of ['roberta-base', 'allenai/cs_roberta_base']) assert.equal(repoDir('c', id), join('c', getRepoFolderName({ name: id, type: 'model' })));
});
