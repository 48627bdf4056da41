/**
 * MLM data for a stage: documents of every source tokenized (through the token cache),
 * concatenated in order, the last documents held out, and both parts cut into examples.
 */
import { DataError } from '../../errors.ts';
import type { HeldOutSpec, MaskingSpec } from '../../config/types.ts';
import { buildExamples, type MlmExamples } from '../data/examples.ts';
import { heldOutCount } from '../data/held-out.ts';
import type { SourceText } from '../data/sources.ts';
import { cachedTokenize, concatDocs, sliceDocs } from '../tokenize/token-cache.ts';
import type { TextTokenizer } from '../tokenize/tokenizer.ts';

export interface MlmData {
  train: MlmExamples;
  heldOut: MlmExamples | null;
  trainDocs: number;
  heldOutDocs: number;
}

export async function prepareMlmData(
  sources: readonly SourceText[],
  tokenizer: TextTokenizer,
  opts: { masking: Pick<MaskingSpec, 'packing' | 'maxSeqLength'>; heldOut: Pick<HeldOutSpec, 'fraction' | 'maxDocs'>; cacheDir: string | null; signal?: AbortSignal },
): Promise<MlmData> {
  const parts = [];
  for (const source of sources) parts.push(await cachedTokenize(tokenizer, source.contentId, () => source.load(), opts.cacheDir, opts.signal));
  const all = concatDocs(parts);
  const nDocs = all.offsets.length - 1;
  const nHeld = heldOutCount(nDocs, opts.heldOut);
  const specials = { cls: tokenizer.special.cls, sep: tokenizer.special.sep, specialMask: tokenizer.specialMask };
  const train = buildExamples(sliceDocs(all, 0, nDocs - nHeld), opts.masking.packing, opts.masking.maxSeqLength, specials);
  if (train.count === 0) throw new DataError(`no training text: ${sources.map((s) => s.describe).join(', ')} gave no tokens outside the held-out documents`);
  const heldOut = nHeld === 0 ? null : buildExamples(sliceDocs(all, nDocs - nHeld, nDocs), opts.masking.packing, opts.masking.maxSeqLength, specials);
  return { train, heldOut: heldOut !== null && heldOut.count > 0 ? heldOut : null, trainDocs: nDocs - nHeld, heldOutDocs: nHeld };
}
