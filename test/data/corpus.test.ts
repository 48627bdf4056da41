import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readDocuments, resolveCorpusFiles } from '../../src/data/corpus.ts';
import { DataError, FileNotFoundError } from '../../src/errors.ts';

let dir: string;
const collect = async (files: string[]) => {
  const out: string[] = [];
  for await (const d of readDocuments(files)) out.push(d);
  return out;
};

describe('corpora', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dapt-corpus-'));
    await writeFile(join(dir, 'c.part-001.txt'), 'third\r\n\r\nfourth');
    await writeFile(join(dir, 'c.part-000.txt'), 'first\n   \nsecond\n');
    await writeFile(join(dir, 'single.txt'), 'only\n');
    await writeFile(join(dir, 'both.txt'), 'x\n');
    await writeFile(join(dir, 'both.part-000.txt'), 'y\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('resolves <path>.txt or <path>.part-NNN.txt in name order', async () => {
    assert.deepEqual(await resolveCorpusFiles(join(dir, 'c')), [join(dir, 'c.part-000.txt'), join(dir, 'c.part-001.txt')]);
    assert.deepEqual(await resolveCorpusFiles(join(dir, 'single')), [join(dir, 'single.txt')]);
    await assert.rejects(resolveCorpusFiles(join(dir, 'both')), DataError);
    await assert.rejects(resolveCorpusFiles(join(dir, 'missing')), FileNotFoundError);
  });

  it('streams one document per non-blank line across parts (LF and CRLF)', async () => {
    assert.deepEqual(await collect(await resolveCorpusFiles(join(dir, 'c'))), ['first', 'second', 'third', 'fourth']);
  });

  it('keeps multi-byte characters intact across read chunks', async () => {
    const line = 'é'.repeat(300_001); // 600,002 bytes: lines straddle the 1 MiB chunk boundary
    await writeFile(join(dir, 'big.txt'), `${line}\n${line}\n${line}\n`);
    const docs = await collect([join(dir, 'big.txt')]);
    assert.equal(docs.length, 3);
    assert.ok(docs.every((d) => d === line));
  });
});
