/** A stage's metrics.json: its format, and reading it. */
import { readFile } from 'node:fs/promises';
import type { StageKey, StageKind } from '../plan/types.ts';

/**
 * `metrics.json`, written by `dapt stage` from the runner's StageOutcome. Metric names:
 * - every kind: wall_seconds
 * - pretrain: steps, tokens, final_loss, heldout_loss, heldout_perplexity
 * - select: selected_docs, pool_docs, queries
 * - finetune: steps, tokens, epochs_run, best_epoch, best_dev_<metric>, resamples
 * - evaluate (classifier): `<split>_<m>` for split in dev|test and m in accuracy|micro_f1|macro_f1;
 *   details.perClassF1[split][label], details.confusion[split] = { labels, matrix }
 * - evaluate (mlm): mlm_loss, perplexity, masked_tokens
 * Step curves (pretrain, finetune) go to work/curves.jsonl: {step, loss, lr, mask_prob?, tokens_per_s, heldout_loss?, heldout_perplexity?, dev_<metric>?}.
 */
export interface StageMetricsFile {
  key: StageKey;
  kind: StageKind;
  title: string;
  metrics: Record<string, number>;
  details: Record<string, unknown>;
  /** Backend that ran it (`wasm`, `tensorflow`, …) or `none` for stages without TF.js. */
  backend: string;
  startedAt: string;
  finishedAt: string;
}


export async function readMetricsFile(path: string): Promise<StageMetricsFile | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as StageMetricsFile;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.metrics === 'object' ? parsed : null;
  } catch {
    return null;
  }
}
