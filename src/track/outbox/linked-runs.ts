/**
 * Tags whose value is another run's id (`mlflow.parentRunId`, `dapt.produced_by_run`) may name a
 * run that so far exists only in the outbox. Such a tag is only ever sent with the real id: a
 * placeholder in MLflow would be a link to nothing.
 */
import type { KeyValue } from '../types.ts';
import type { Outbox } from './outbox.ts';
import { isPlaceholder } from './records.ts';

export interface LinkedTags {
  tags: KeyValue[];
  /** Placeholders with no real run yet (their creation is still queued, or was refused). */
  unresolved: string[];
}

export async function withRealRunIds(outbox: Outbox, tags: readonly KeyValue[]): Promise<LinkedTags> {
  const unresolved: string[] = [];
  const out: KeyValue[] = [];
  for (const t of tags) {
    if (!isPlaceholder(t.value)) {
      out.push({ ...t });
      continue;
    }
    const run = await outbox.mapped(t.value);
    if (!run) unresolved.push(t.value);
    out.push({ key: t.key, value: run ? run.runId : t.value });
  }
  return { tags: out, unresolved };
}
