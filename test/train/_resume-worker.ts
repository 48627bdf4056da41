/**
 * Subprocess for the resume test: runs one pretrain or finetune stage with a checkpoint after
 * every step, printing `progress <step>` lines so the parent can SIGKILL it mid-run.
 * Usage: node --import tsx _resume-worker.ts <pretrain|finetune> <stageDir> <inputs.json>
 */
import { readFileSync } from 'node:fs';
import { runner as finetune } from '../../src/stages/finetune.ts';
import { runner as pretrain } from '../../src/stages/pretrain.ts';
import { stageContext } from './_fixtures.ts';

const [kind, stageDir, setupFile] = process.argv.slice(2) as ['pretrain' | 'finetune', string, string];
const setup = JSON.parse(readFileSync(setupFile, 'utf8')) as { params: unknown; inputs: Parameters<typeof stageContext>[2] };
const ctx = stageContext(stageDir, { kind, params: setup.params } as Parameters<typeof stageContext>[1], setup.inputs);
ctx.spec.checkpointEverySeconds = 0;
const progress = ctx.reporter.progress;
ctx.reporter.progress = (done, total, info) => {
  progress(done, total, info);
  process.stdout.write(`progress ${done}\n`);
};
const outcome = await (kind === 'pretrain' ? pretrain : finetune).run(ctx);
process.stdout.write(`outcome ${JSON.stringify(outcome.metrics)}\n`);
