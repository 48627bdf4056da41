/**
 * A small study for the executor and start-up benchmarks, run with the fake trainer (the stages
 * the tests use): one corpus, one task, the paper's four arms, `seeds` fine-tuning seeds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes data, a checkpoint stand-in and the experiment under dir; returns the experiment file. */
export async function benchStudy(dir: string, seeds: number[]): Promise<string> {
  await mkdir(join(dir, 'data', 'corpora'), { recursive: true });
  await mkdir(join(dir, 'data', 'tasks', 't1'), { recursive: true });
  await mkdir(join(dir, 'ckpt'));
  await writeFile(join(dir, 'data', 'corpora', 'cs.txt'), Array.from({ length: 200 }, (_, i) => `document ${i} about parsers and graphs ${i * 7}`).join('\n') + '\n');
  for (const split of ['train', 'dev', 'test']) {
    const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `${split} example ${i} text ${i * 13}`, label: String(i % 3) }));
    await writeFile(join(dir, 'data', 'tasks', 't1', `${split}.jsonl`), rows.join('\n') + '\n');
  }
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) await writeFile(join(dir, 'ckpt', f), '{}');
  const file = join(dir, 'exp.yaml');
  await writeFile(
    file,
    [
      'name: bench',
      'base: { checkpoint: ckpt }',
      'corpora: { cs: { path: corpora/cs, domain: cs } }',
      'tasks: { t1: { path: tasks/t1, metric: macro_f1, domain: cs } }',
      'defaults: { dapt: { optimizer: { batch_size: 4, max_steps: 10 } }, tapt: { optimizer: { batch_size: 4, epochs: 1 } } }',
      'arms: { baseline: [], dapt: [{ dapt: cs }], tapt: [tapt], dapt_tapt: [{ dapt: cs }, tapt] }',
      `finetune: { lr: 1.0e-4, epochs: 1, seeds: [${seeds.join(', ')}] }`,
    ].join('\n') + '\n',
  );
  return file;
}
