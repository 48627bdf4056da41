import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { embedTexts } from '../../src/train/embed.ts';
import { tempDir, writeTinyCheckpoint } from './_fixtures.ts';

describe('embedTexts', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  for (const modelType of ['bert', 'roberta'] as const) {
    it(`${modelType}: one mean-pooled row per text, independent of batching and padding`, async () => {
      const model = await writeTinyCheckpoint(join(dir, modelType), modelType);
      const texts = ['amber bright', 'cedar delta ember frost glade harbor', 'ivory', 'amber bright'];
      const all = await embedTexts(model, texts, { maxSeqLength: 16, batchSize: 4 });
      const single = await embedTexts(model, texts, { maxSeqLength: 16, batchSize: 1 });
      assert.equal(all.length, texts.length * 32);
      for (let i = 0; i < all.length; i++) assert.ok(Math.abs(all[i]! - single[i]!) < 1e-4, `element ${i}`);
      // Equal up to rounding: BLAS kernels may round a row differently by its place in the tile.
      for (let i = 0; i < 32; i++) assert.ok(Math.abs(all[i]! - all[96 + i]!) < 1e-5, `repeated text, element ${i}`);
      assert.notDeepEqual(all.subarray(0, 32), all.subarray(32, 64));
    });
  }
});
