/** Digests that pins are written in: sha256, and git's blob sha1 (the Hub's id for small files). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface Pin {
  algorithm: 'sha256' | 'git-sha1';
  digest: string;
}

export async function digestFile(path: string, algorithm: Pin['algorithm']): Promise<string> {
  const hash = createHash(algorithm === 'sha256' ? 'sha256' : 'sha1');
  // git hashes "blob <size>\0" followed by the content
  if (algorithm === 'git-sha1') hash.update(`blob ${(await stat(path)).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
