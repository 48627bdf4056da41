/** `dapt plan` end to end: real YAML, tiny data made here, every format, store states, errors. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse } from '@ts-graphviz/ast';
import { runCli } from '../../src/cli/main.ts';
import { stagePaths } from '../../src/store/layout.ts';
import { writeManifest } from '../../src/store/manifest.ts';
import type { Plan } from '../../src/plan/index.ts';
import { matchSnapshot } from './snapshot.ts';

let dir: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

async function dapt(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(args, { stdout, stderr, env, cwd: dir });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const study = (name: string, corpusName: string, armName: string, task: string, lrs = '[1.0e-4]') => `
name: ${name}
base: { checkpoint: model }
corpora:
  ${corpusName}: { path: corpora/biomed, domain: biomed }
tasks:
  ${task}: { path: tasks/${task}, metric: micro_f1, domain: biomed }
defaults:
  masking: { probability: 0.15, max_seq_length: 32 }
  dapt: { optimizer: { lr: 5.0e-4, batch_size: 4, max_steps: 10 } }
  tapt: { optimizer: { lr: 1.0e-4, batch_size: 4, epochs: 1 } }
arms:
  baseline: []
  ${armName}: [{ dapt: ${corpusName} }]
  ${armName}_tapt: [{ dapt: ${corpusName} }, tapt]
finetune: { lr: 1.0e-4, epochs: 1, batch_size: 4, max_seq_length: 32, seeds: [1, 2] }
sweep:
  grid:
    finetune.lr: ${lrs}
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dapt-plan-cli-'));
  await write(join(dir, 'data/corpora/biomed.part-000.txt'), 'protein binds receptor\nenzyme inhibits kinase\n');
  for (const t of ['chemprot', 'rct']) {
    for (const split of ['train', 'dev', 'test']) {
      await write(join(dir, `data/tasks/${t}/${split}.jsonl`), `{"text":"${t} ${split} a","label":"x"}\n{"text":"${t} ${split} b","label":"y"}\n`);
    }
  }
  await write(join(dir, 'study/model/config.json'), '{"model_type":"bert"}');
  await write(join(dir, 'study/model/model.safetensors'), 'weights');
  await write(join(dir, 'study/model/tokenizer.json'), '{}');
  await write(join(dir, 'study/a.yaml'), study('a', 'biomed', 'dapt', 'chemprot', '[1.0e-4, 2.0e-4]'));
  // Another file declaring the same DAPT under other names, for another task.
  await write(join(dir, 'study/b.yaml'), study('b', 'pubmed', 'domain', 'rct'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Absolute temp paths vary per run: name them by role in snapshots. */
const portable = (text: string): string => text.split(dir).join('<tmp>');

describe('dapt plan', () => {
  it('--format json prints the plan (snapshot)', async () => {
    const r = await dapt(['plan', 'study/a.yaml', '--format', 'json', '--data-root', 'data']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(portable(r.stdout)) as Plan;
    await matchSnapshot('cli-a-plan', plan);
    assert.match(r.stderr, /^\d+ stages \(.*\), \d+ shared, no run store\n$/);
  });

  it('two files declaring the same DAPT share its stage', async () => {
    const r = await dapt(['plan', 'study/a.yaml', 'study/b.yaml', '--format', 'json', '--data-root', 'data']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as Plan;
    const daptStages = plan.stages.filter((s) => s.kind === 'pretrain' && s.params.data.every((d) => d.kind === 'corpus'));
    assert.equal(daptStages.length, 1);
    assert.deepEqual(new Set(daptStages[0]!.labels.map((l) => l.experiment)), new Set(['a', 'b']));
    assert.deepEqual(plan.experiments.map((e) => e.name), ['a', 'b']);
  });

  it('tree shows stages, sharing and store states; the summary counts done stages', async () => {
    const json = JSON.parse((await dapt(['plan', 'study/a.yaml', '--format', 'json', '--data-root', 'data'])).stdout) as Plan;
    const store = join(dir, 'store');
    const [done, partial] = json.stages;
    const paths = stagePaths(store, done!.key);
    await write(paths.spec, '{}');
    await write(paths.metrics, '{}');
    await write(join(paths.work, 'out.txt'), 'x');
    await writeManifest(paths, { key: done!.key, kind: done!.kind, producedBy: null });
    await mkdir(stagePaths(store, partial!.key).dir, { recursive: true });

    const r = await dapt(['plan', 'study/a.yaml', '--store', 'store'], { DAPT_DATA: join(dir, 'data') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /experiment a {2}\(/);
    assert.match(r.stdout, /point lr=/);
    assert.match(r.stdout, /arm dapt_tapt · task chemprot/);
    assert.ok(r.stdout.includes(`${done!.key.slice(0, 10)}`) && r.stdout.includes('[done]') && r.stdout.includes('[partial]'));
    assert.match(r.stdout, /\* pretrain dapt\(biomed\) ← base/);
    assert.match(r.stdout.trimEnd().split('\n').at(-1)!, new RegExp(`^${json.stages.length} stages \\(.*\\), \\d+ shared, 1 done$`));
  });

  it('dot and mermaid describe the same graph', async () => {
    const dot = await dapt(['plan', 'study/a.yaml', '--format', 'dot', '--data-root', 'data']);
    assert.equal(dot.code, 0, dot.stderr);
    const [graph] = parse(dot.stdout).children;
    assert.ok(graph?.type === 'Graph' && graph.directed);
    const mermaid = await dapt(['plan', 'study/a.yaml', '--format', 'mermaid', '--data-root', 'data']);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^flowchart LR\n/);
    const edges = (text: string, re: RegExp) => [...text.matchAll(re)].length;
    assert.equal(edges(dot.stdout, / -> /g), edges(mermaid.stdout, / --> /g));
  });

  const errors: Array<{ name: string; args: string[]; code: number; message: RegExp }> = [
    { name: 'no file', args: ['plan'], code: 2, message: /give at least one experiment file/ },
    { name: 'unknown format', args: ['plan', 'study/a.yaml', '--format', 'svg'], code: 2, message: /--format must be one of tree, json, dot, mermaid/ },
    { name: 'missing store', args: ['plan', 'study/a.yaml', '--store', 'nowhere', '--data-root', 'data'], code: 2, message: /run store not found/ },
    { name: 'missing data', args: ['plan', 'study/a.yaml', '--data-root', 'empty'], code: 2, message: /corpus "biomed" \(used by .*a\.yaml\).*corpora\/biomed\.txt/s },
    { name: 'missing file', args: ['plan', 'study/none.yaml'], code: 2, message: /none\.yaml/ },
  ];
  for (const e of errors) {
    it(`${e.name}: exit ${e.code}, a message, no stack`, async () => {
      const r = await dapt(e.args);
      assert.equal(r.code, e.code, r.stderr);
      assert.match(r.stderr, e.message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
