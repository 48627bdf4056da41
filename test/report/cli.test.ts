/**
 * `dapt report` end to end: a real experiment YAML on tiny data, planned by the real loader and
 * planner; the run store is filled with finished stages of known scores (no training), then the
 * command is run in-process.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.ts';
import { stagePaths } from '../../src/store/layout.ts';
import { writeManifest } from '../../src/store/manifest.ts';
import { loadStudy } from '../../src/study/load.ts';
import type { Plan, Stage } from '../../src/plan/types.ts';
import type { StageMetricsFile } from '../../src/store/metrics-file.ts';

let dir: string;
let plan: Plan;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

async function dapt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(args, { stdout, stderr, env: { DAPT_DATA: join(dir, 'data') }, cwd: dir });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const EXPERIMENT = `
name: tiny
base: { checkpoint: model }
corpora:
  cs: { path: corpora/cs, domain: cs }
tasks:
  acl: { path: tasks/acl, metric: macro_f1, domain: cs }
defaults:
  masking: { probability: 0.15, max_seq_length: 32 }
  dapt: { optimizer: { lr: 5.0e-4, batch_size: 4, max_steps: 10 } }
arms:
  baseline: []
  dapt: [{ dapt: cs }]
finetune: { lr: 1.0e-4, epochs: 1, batch_size: 4, max_seq_length: 32, seeds: [1, 2, 3] }
targets:
  dapt: { acl: { mean: 75.4, std: 2.5 } }
`;

/** Test macro-F1 by arm and seed; dev = test + 0.05. */
const TEST: Record<string, number[]> = { baseline: [0.5, 0.56, 0.53], dapt: [0.6, 0.63, 0.69] };

/** Writes a finished stage the way `dapt stage` does: spec.json, metrics.json, then the manifest. */
async function finish(store: string, stage: Stage, metrics: Record<string, number>): Promise<void> {
  const paths = stagePaths(store, stage.key);
  await write(paths.spec, JSON.stringify({ key: stage.key, tracking: null }));
  const file: StageMetricsFile = { key: stage.key, kind: stage.kind, title: stage.title, metrics, details: {}, backend: 'wasm', startedAt: '', finishedAt: '' };
  await write(paths.metrics, JSON.stringify(file));
  await mkdir(paths.work, { recursive: true });
  await writeManifest(paths, { key: stage.key, kind: stage.kind, producedBy: { runId: `run-${stage.key}`, experimentId: '0', uri: 'file:///mlruns' } });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dapt-report-cli-'));
  await write(join(dir, 'data/corpora/cs.part-000.txt'), 'parsing with graphs\ncompilers and types\n');
  for (const split of ['train', 'dev', 'test']) {
    await write(join(dir, `data/tasks/acl/${split}.jsonl`), `{"text":"acl ${split} a","label":"x"}\n{"text":"acl ${split} b","label":"y"}\n`);
  }
  await write(join(dir, 'model/config.json'), '{"model_type":"bert"}');
  await write(join(dir, 'model/model.safetensors'), 'weights');
  await write(join(dir, 'model/tokenizer.json'), '{}');
  await write(join(dir, 'tiny.yaml'), EXPERIMENT);
  await mkdir(join(dir, 'runs'));
  plan = (await loadStudy({ files: ['tiny.yaml'], cwd: dir, env: { DAPT_DATA: join(dir, 'data') }, storeDir: join(dir, 'runs'), dataRootFlag: null })).plan;
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dapt report', () => {
  it('reports an empty store as partial, with every cell missing', async () => {
    const r = await dapt(['report', 'tiny.yaml', '--store', 'runs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tiny: 0\/6 results \(partial\)/);
    assert.match(r.stdout, /baseline\s+— \(0\/3\)\s+— \(0\/3\)/);
    const md = await readFile(join(dir, 'runs/reports/tiny/report.md'), 'utf8');
    assert.match(md, /- baseline \/ acl: no result for seeds 1, 2, 3/);
  });

  it('prints the LaTeX table of a finished store with the planned stages\' scores', async () => {
    const store = join(dir, 'runs');
    const aggregate = plan.stages.find((s) => s.kind === 'aggregate')!;
    assert.equal(aggregate.kind, 'aggregate');
    const cells = aggregate.kind === 'aggregate' ? aggregate.params.cells : [];
    assert.equal(cells.length, 6);
    for (const s of plan.stages) {
      if (s.kind === 'pretrain') await finish(store, s, { wall_seconds: 10, steps: 10, tokens: 1280, heldout_perplexity: 20 });
    }
    for (const c of cells) {
      const test = TEST[c.arm]![c.seed - 1]!;
      await finish(store, plan.stages.find((s) => s.key === c.finetune)!, { wall_seconds: 5, steps: 3, tokens: 96, best_dev_macro_f1: test + 0.05, resamples: 0 });
      await finish(store, plan.stages.find((s) => s.key === c.evaluate)!, { wall_seconds: 1, dev_macro_f1: test + 0.05, test_macro_f1: test });
    }
    const r = await dapt(['report', 'tiny.yaml', '--store', 'runs', '--format', 'latex', '--out', 'out']);
    assert.equal(r.code, 0, r.stderr);
    // baseline test [.50,.56,.53]: mean .53, deviations -.03, .03, 0 → var .0018/2 = .0009, std .03 → 53.0 ± 3.0; dev = +5 → 58.0 ± 3.0.
    // dapt test [.60,.63,.69]: mean .64, deviations -.04, -.01, .05 → var .0042/2 = .0021, std .0458258 → 64.0 ± 4.6; dev 69.0 ± 4.6.
    assert.ok(r.stdout.includes('baseline & $58.0_{\\pm 3.0}$ & $53.0_{\\pm 3.0}$ &  \\\\'), r.stdout);
    assert.ok(r.stdout.includes('dapt & $69.0_{\\pm 4.6}$ & $64.0_{\\pm 4.6}$ & $75.4_{\\pm 2.5}$ \\\\'), r.stdout);
    assert.match(r.stdout, /\\begin\{tabular\}\{lccc\}/);
    assert.match(r.stderr, new RegExp(`report: ${join(dir, 'out', 'report.md').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const md = await readFile(join(dir, 'out/report.md'), 'utf8');
    // Paired test: d = [.10,.07,.16] → mean .11, deviations -.01,-.04,.05 → var .0042/2, sd .0458258, se .0264575, t = 4.16, df 2,
    // p = 1 − t/√(2+t²) = 1 − 4.1576/√19.2857 = 0.0533.
    // MDE: d_z for n = 3 at power 0.8 is 3.264 (statsmodels TTestPower), × sd .0458258 = .1496 → ±15.0.
    assert.match(md, /\| dapt \| acl \| test \| \+11\.0 \| ±15\.0 \| 3 \(1, 2, 3\) \| 4\.16 \| 2 \| 0\.053 \|/);
    assert.match(md, new RegExp(`\\| \`run-${cells.find((c) => c.arm === 'dapt' && c.seed === 2)!.evaluate}\` \\|`));
  });

  const errors: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'no file', args: ['report'], message: /give at least one experiment file/ },
    { name: 'unknown format', args: ['report', 'tiny.yaml', '--format', 'pdf'], message: /--format must be one of md, html, latex, json/ },
    { name: 'missing store', args: ['report', 'tiny.yaml', '--store', 'nowhere'], message: /run store not found: .*nowhere/ },
  ];
  for (const e of errors) {
    it(`${e.name}: exit 2 with a message`, async () => {
      const r = await dapt(e.args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, e.message);
      assert.equal(r.stdout, '');
    });
  }
});
