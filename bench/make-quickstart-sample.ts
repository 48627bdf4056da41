/**
 * Rebuilds `data/quickstart/` (the sample the quickstart runs on in a bare clone) from the data
 * pack and the bert-mini-general checkpoint: `node --import tsx bench/make-quickstart-sample.ts
 * SHARED_DIR`. Kept so the sample can be regenerated and audited, not run by anything else.
 *
 * What it takes and why (licences in data/quickstart/NOTICE.md):
 * - the whole citation_intent task (ACL-ARC, Apache-2.0; 0.5 MB, so no subsampling);
 * - `corpora/cs.part-000.txt`, the first of three parts of the CS abstracts, whose lines are
 *   already in hash order, so the first part is a deterministic random 41% sample;
 * - bert-mini-general with its weights stored as float16 (15 MB instead of 30 MB, to stay within
 *   the repository's size budget); dapt reads F16 as float32, so only the rounding differs.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensors } from '../src/train/checkpoint/safetensors.ts';

const shared = resolve(process.argv[2] ?? '../shared');
const out = resolve(import.meta.dirname, '../data/quickstart');
const model = join(shared, 'models/bert-mini-general');

mkdirSync(join(out, 'tasks/citation_intent'), { recursive: true });
for (const split of ['train', 'dev', 'test']) copyFileSync(join(shared, `data/tasks/citation_intent/${split}.jsonl`), join(out, `tasks/citation_intent/${split}.jsonl`));
mkdirSync(join(out, 'corpora'), { recursive: true });
copyFileSync(join(shared, 'data/corpora/cs.part-000.txt'), join(out, 'corpora/cs.part-000.txt'));

const modelOut = join(out, 'models/bert-mini-general');
mkdirSync(modelOut, { recursive: true });
for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) copyFileSync(join(model, f), join(modelOut, f));
const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')) as Record<string, unknown>;
writeFileSync(join(modelOut, 'config.json'), JSON.stringify({ ...config, torch_dtype: 'float16' }, null, 2) + '\n');
writeFileSync(join(modelOut, 'model.safetensors'), float16Safetensors(readSafetensors(join(model, 'model.safetensors')).tensors));

/** IEEE half precision, round to nearest even; the checkpoint's values are far inside its range. */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - exp);
    return sign | ((m + 0x1000 + ((m >>> 13) & 1) - 1) >>> 13);
  }
  const rounded = (exp << 10) + (mant >>> 13) + (((mant & 0x1fff) + ((mant >>> 13) & 1) > 0x1000) ? 1 : 0);
  return sign | rounded;
}

function float16Safetensors(tensors: Map<string, { shape: number[]; data: Float32Array }>): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F16', shape: t.shape, data_offsets: [offset, offset + t.data.length * 2] };
    offset += t.data.length * 2;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const body = Buffer.alloc(offset);
  let at = 0;
  for (const t of tensors.values()) for (const v of t.data) at = body.writeUInt16LE(toHalf(v), at);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.byteLength));
  return Buffer.concat([len, head, body]);
}
