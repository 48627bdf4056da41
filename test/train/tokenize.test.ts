import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { cachedTokenize, readTokenFile, tokenCacheFile } from '../../src/train/tokenize/token-cache.ts';
import { TextTokenizer } from '../../src/train/tokenize/tokenizer.ts';
import { trainTokenizer } from '../../src/train/tokenize/train-tokenizer.ts';
import { cycleDocs, tempDir, toyTokenizer } from './_fixtures.ts';

describe('training tokenizers with the native package', () => {
  it('WordPiece: BERT special tokens first, learned entries cut at the requested size, loads in @huggingface/tokenizers', () => {
    const docs = [...cycleDocs(30), 'Unusual Words: zephyr, quixotic; façade!'];
    const trained = trainTokenizer(docs, { kind: 'wordpiece', vocabSize: 60, lowercase: true, minFrequency: 0 });
    assert.equal(trained.vocabSize, 60);
    const tok = new TextTokenizer(trained.json, {}, 'trained');
    assert.deepEqual(tok.special, { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    assert.equal(tok.vocabSize, 60);
    assert.deepEqual([...tok.specialMask.subarray(0, 6)], [1, 1, 1, 1, 1, 0]);
    const ids = tok.encode('Amber BRIGHT cedar');
    assert.ok(ids.length >= 3 && ids.every((id) => id >= 5 && id < 60));
    // word boundaries: only the first piece of each word starts a word
    const starts = ids.filter((id) => tok.wordStart[id] === 1).length;
    assert.equal(starts, 3);
    assert.deepEqual([...tok.encodeForClassification('amber bright', 4)].slice(0, 1), [2]);
    assert.equal(tok.encodeForClassification('amber bright cedar delta', 4).length, 4);
  });

  it('byte-level BPE training is deterministic; the cut keeps a prefix of learning order', () => {
    // (WordPiece training in tokenizers 0.23 is not: huggingface/tokenizers#1794)
    const docs = cycleDocs(30);
    const spec = { kind: 'bpe' as const, lowercase: false, minFrequency: 0 };
    const small = JSON.parse(trainTokenizer(docs, { ...spec, vocabSize: 280 }).json);
    const large = JSON.parse(trainTokenizer(docs, { ...spec, vocabSize: 300 }).json);
    for (const [token, id] of Object.entries(small.model.vocab as Record<string, number>)) {
      if (token !== '<mask>') assert.equal(large.model.vocab[token], id, token);
    }
    assert.deepEqual(large.model.merges.slice(0, small.model.merges.length), small.model.merges);
  });

  it('byte-level BPE: RoBERTa special tokens, every byte encodable, <mask> last', () => {
    const trained = trainTokenizer(cycleDocs(30), { kind: 'bpe', vocabSize: 300, lowercase: false, minFrequency: 0 });
    const tok = new TextTokenizer(trained.json, {}, 'bpe');
    assert.deepEqual(tok.special, { cls: 0, pad: 1, sep: 2, unk: 3, mask: trained.vocabSize - 1 });
    const ids = tok.encode('amber bright zebra ☃');
    assert.ok(ids.length > 0 && ids.every((id) => id > 3 && id < trained.vocabSize - 1));
    const bright = tok.encode(' bright');
    assert.equal(tok.wordStart[bright[0]!], 1);
  });

  it('reports a smaller vocabulary than asked for and refuses a min frequency it cannot honour', () => {
    const trained = trainTokenizer(['a b a b'], { kind: 'wordpiece', vocabSize: 500, lowercase: true, minFrequency: 0 });
    assert.ok(trained.vocabSize < 500);
    assert.match(trained.notes[0]!, /instead of 500/);
    assert.throws(() => trainTokenizer(['a b'], { kind: 'wordpiece', vocabSize: 50, lowercase: true, minFrequency: 2 }), /min_frequency/);
  });
});

describe('token cache', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('tokenizes a corpus once per (tokenizer, content) and reads it back as typed arrays', async () => {
    const tok = toyTokenizer('bert');
    let loads = 0;
    const docs = cycleDocs(20);
    const load = async () => {
      loads++;
      return docs;
    };
    const first = await cachedTokenize(tok, 'content-1', load, dir);
    const second = await cachedTokenize(tok, 'content-1', load, dir);
    assert.equal(loads, 1);
    assert.deepEqual(second.ids, first.ids);
    assert.deepEqual(second.offsets, first.offsets);
    assert.equal(first.offsets.length, 21);
    assert.deepEqual([...first.ids.subarray(first.offsets[3]!, first.offsets[4]!)], tok.encode(docs[3]!));
    await cachedTokenize(tok, 'content-2', load, dir);
    assert.equal(loads, 2);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tok')).length, 2);
    const other = toyTokenizer('roberta');
    await cachedTokenize(other, 'content-1', load, dir);
    assert.equal(loads, 3, 'another tokenizer misses the cache');
  });

  it('ignores a truncated cache file and rewrites it', async () => {
    const tok = toyTokenizer('bert');
    const file = tokenCacheFile(dir, tok.hash, 'content-3');
    await cachedTokenize(tok, 'content-3', async () => cycleDocs(5), dir);
    writeFileSync(file, 'DAPTTOK1garbage');
    assert.equal(readTokenFile(file), null);
    const again = await cachedTokenize(tok, 'content-3', async () => cycleDocs(5), dir);
    assert.equal(again.offsets.length, 6);
    assert.ok(existsSync(file) && readTokenFile(file) !== null);
  });
});
