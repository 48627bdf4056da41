/**
 * A corpus is tokenized once per (tokenizer, corpus content) and kept as a typed-array file
 * under `<store>/cache/tokens/`, so every stage reading the same text with the same tokenizer
 * (DAPT arms × seeds × sweep points) skips the tokenizer. Layout of a `.tok` file:
 *   "DAPTTOK1" | u32 docs | u32 tokens | u32 offsets[docs + 1] | i32 ids[tokens]   (little-endian)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DataError, InterruptedError } from '../../errors.ts';
import type { TextTokenizer } from './tokenizer.ts';

/** Token ids of documents, concatenated; document d is ids[offsets[d] .. offsets[d+1]). */
export interface TokenizedDocs {
  ids: Int32Array;
  offsets: Uint32Array;
}

const magic = 'DAPTTOK1';
const formatVersion = 1;

export function tokenCacheFile(cacheDir: string, tokenizerHash: string, contentId: string): string {
  const key = createHash('sha256').update(`${formatVersion}\n${tokenizerHash}\n${contentId}`).digest('hex').slice(0, 40);
  return join(cacheDir, `${key}.tok`);
}

function encodeFile(docs: TokenizedDocs): Buffer {
  const nDocs = docs.offsets.length - 1;
  const buf = Buffer.alloc(16 + docs.offsets.byteLength + docs.ids.byteLength);
  buf.write(magic, 0, 'latin1');
  buf.writeUInt32LE(nDocs, 8);
  buf.writeUInt32LE(docs.ids.length, 12);
  Buffer.from(docs.offsets.buffer, docs.offsets.byteOffset, docs.offsets.byteLength).copy(buf, 16);
  Buffer.from(docs.ids.buffer, docs.ids.byteOffset, docs.ids.byteLength).copy(buf, 16 + docs.offsets.byteLength);
  return buf;
}

/** Reads a cache file; null if it is missing, truncated or from another format. */
export function readTokenFile(file: string): TokenizedDocs | null {
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  if (buf.byteLength < 16 || buf.toString('latin1', 0, 8) !== magic) return null;
  const nDocs = buf.readUInt32LE(8);
  const nTokens = buf.readUInt32LE(12);
  if (buf.byteLength !== 16 + (nDocs + 1) * 4 + nTokens * 4) return null;
  const copy = new Uint8Array(buf.byteLength - 16);
  copy.set(buf.subarray(16));
  const offsets = new Uint32Array(copy.buffer, 0, nDocs + 1);
  const ids = new Int32Array(copy.buffer, (nDocs + 1) * 4, nTokens);
  if (offsets[nDocs] !== nTokens) return null;
  return { ids, offsets };
}

/** Tokenizes documents (no special tokens), yielding to the event loop now and then so an abort is seen. */
export async function tokenizeDocuments(tokenizer: TextTokenizer, docs: readonly string[], signal?: AbortSignal): Promise<TokenizedDocs> {
  const offsets = new Uint32Array(docs.length + 1);
  const chunks: number[][] = [];
  let total = 0;
  for (let d = 0; d < docs.length; d++) {
    if (d % 256 === 255) {
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) throw new InterruptedError();
    }
    const ids = tokenizer.encode(docs[d]!);
    chunks.push(ids);
    total += ids.length;
    if (total > 0xffffffff) throw new DataError('corpus has more than 2^32 tokens; split it into several corpora');
    offsets[d + 1] = total;
  }
  const ids = new Int32Array(total);
  let at = 0;
  for (const c of chunks) {
    ids.set(c, at);
    at += c.length;
  }
  return { ids, offsets };
}

/**
 * Token ids of a corpus, from the cache when it holds this (tokenizer, content) pair.
 * `loadDocs` is only called on a cache miss. `cacheDir` null disables caching.
 */
export async function cachedTokenize(
  tokenizer: TextTokenizer,
  contentId: string,
  loadDocs: () => Promise<readonly string[]>,
  cacheDir: string | null,
  signal?: AbortSignal,
): Promise<TokenizedDocs> {
  const file = cacheDir === null ? null : tokenCacheFile(cacheDir, tokenizer.hash, contentId);
  if (file !== null) {
    const hit = readTokenFile(file);
    if (hit !== null) return hit;
  }
  const docs = await tokenizeDocuments(tokenizer, await loadDocs(), signal);
  if (file !== null && cacheDir !== null) {
    mkdirSync(cacheDir, { recursive: true });
    await writeFileAtomic(file, encodeFile(docs));
  }
  return docs;
}

/** Concatenates tokenized corpora in order. */
export function concatDocs(parts: readonly TokenizedDocs[]): TokenizedDocs {
  const nDocs = parts.reduce((a, p) => a + p.offsets.length - 1, 0);
  const nTokens = parts.reduce((a, p) => a + p.ids.length, 0);
  const ids = new Int32Array(nTokens);
  const offsets = new Uint32Array(nDocs + 1);
  let d = 0;
  let t = 0;
  for (const p of parts) {
    ids.set(p.ids, t);
    for (let i = 1; i < p.offsets.length; i++) offsets[++d] = t + p.offsets[i]!;
    t += p.ids.length;
  }
  return { ids, offsets };
}

/** Documents [from, to) of a tokenized corpus. */
export function sliceDocs(docs: TokenizedDocs, from: number, to: number): TokenizedDocs {
  const start = docs.offsets[from]!;
  const offsets = new Uint32Array(to - from + 1);
  for (let i = 0; i <= to - from; i++) offsets[i] = docs.offsets[from + i]! - start;
  return { ids: docs.ids.subarray(start, docs.offsets[to]!), offsets };
}
