/** Stage keys: what makes two stages "the same stage". */
import { createHash } from 'node:crypto';
import type { Canonicalizer } from './canonical.ts';
import type { StageKey, StageParams } from './types.ts';

/**
 * The trainer's output-format version. Part of every stage key: bump it whenever a stage would
 * produce different output for the same params (new checkpoint layout, changed evaluation
 * protocol, a fixed training bug), and every stage is planned afresh.
 */
export const STAGE_FORMAT_VERSION = 1;

/** Version of the Plan's JSON shape (`Plan.formatVersion`). */
export const PLAN_FORMAT_VERSION = 1;

export const STAGE_KEY_LENGTH = 24;

/** First 24 hex chars of sha256 over canonical `{format, kind, params, parents}`; parents sorted. */
export function stageKey(canon: Canonicalizer, stage: StageParams, parents: readonly StageKey[]): StageKey {
  const text =
    `{"format":${STAGE_FORMAT_VERSION},"kind":${JSON.stringify(stage.kind)},` +
    `"params":${canon.text(stage.params)},"parents":${canon.text(parents)}}`;
  return createHash('sha256').update(text).digest('hex').slice(0, STAGE_KEY_LENGTH);
}
