/**
 * Subprocess for the resume test: runs one pretrain or finetune stage with a checkpoint after
 * every step, printing `progress <step>` lines so the parent can SIGKILL it mid-run.
 * Usage: node --import tsx _resume-worker.ts <pretrain|finetune> <stageDir> <inputs.json>
 */
import { readFileSync } from 'node:fs';
import { runner as finetune } from '../../src/stages/finetune.ts';
import { runner as pretrain } from '../../src/stages/pretrain.ts';
import { currentBackend } from '../../src/train/backend/index.ts';
import { stageContext } from './_fixtures.ts';

const [kind, stageDir, setupFile] = process.argv.slice(2) as ['pretrain' | 'finetune', string, string];
const setup = JSON.parse(readFileSync(setupFile, 'utf8')) as { params: unknown; inputs: Parameters<typeof stageContext>[2] };
// RESUME_WORKER_SIGNALS=1: SIGTERM aborts the run as `dapt stage` does, and checkpoints are rare,
// so a prompt stop proves the loop lets the signal handler run.
const viaSignals = process.env['RESUME_WORKER_SIGNALS'] === '1';
const controller = new AbortController();
if (viaSignals) process.on('SIGTERM', () => controller.abort());
const ctx = stageContext(stageDir, { kind, params: setup.params } as Parameters<typeof stageContext>[1], setup.inputs, [], controller.signal);
ctx.spec.checkpointEverySeconds = viaSignals ? 3600 : 0;
const progress = ctx.reporter.progress;
ctx.reporter.progress = (done, total, info) => {
  progress(done, total, info);
  process.stdout.write(`progress ${done}\n`);
};
try {
  const outcome = await (kind === 'pretrain' ? pretrain : finetune).run(ctx);
  process.stdout.write(`outcome ${JSON.stringify(outcome.metrics)}\n`);
  process.stdout.write(`backend ${JSON.stringify(currentBackend())}\n`);
} catch (e) {
  if ((e as { code?: string }).code !== 'DAPT_INTERRUPTED') throw e;
  process.stdout.write('interrupted\n');
}
