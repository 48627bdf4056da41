import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { recoverDir, replaceDir } from '../../src/train/checkpoint/atomic-dir.ts';
import { readSafetensors, writeSafetensors, type TensorMap } from '../../src/train/checkpoint/safetensors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint/training-state.ts';
import { tempDir } from './_fixtures.ts';

describe('safetensors', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('round-trips float32 tensors with an 8-byte-aligned header, as the format specifies', () => {
    const tensors: TensorMap = new Map([
      ['a.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, -7]) }],
      ['b', { shape: [1], data: Float32Array.from([42]) }],
    ]);
    const file = join(dir, 'x.safetensors');
    writeSafetensors(file, tensors);
    const bytes = readFileSync(file);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + headerLen) % 8, 0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    assert.deepEqual(header['a.weight'], { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header.b!.data_offsets, [24, 28]);
    assert.equal(bytes.byteLength, 8 + headerLen + 28);
    const back = readSafetensors(file).tensors;
    assert.deepEqual(back.get('a.weight'), tensors.get('a.weight'));
    assert.deepEqual(back.get('b'), tensors.get('b'));
  });

  it('reads F16 and BF16 as float32 and skips integer buffers', () => {
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      bf: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      'embeddings.position_ids': { dtype: 'I64', shape: [1], data_offsets: [8, 16] },
    });
    const data = Buffer.alloc(16);
    data.writeUInt16LE(0x3c00, 0); // 1.0
    data.writeUInt16LE(0xc000, 2); // -2.0
    data.writeUInt16LE(0x3fc0, 4); // 1.5
    data.writeUInt16LE(0xc080, 6); // -4.0
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const file = join(dir, 'half.safetensors');
    writeFileSync(file, Buffer.concat([len, Buffer.from(header), data]));
    const t = readSafetensors(file).tensors;
    assert.deepEqual([...t.get('h')!.data], [1, -2]);
    assert.deepEqual([...t.get('bf')!.data], [1.5, -4]);
    assert.equal(t.has('embeddings.position_ids'), false);
  });

  it('rejects a corrupt file with DAPT_CHECKPOINT_INVALID', () => {
    const file = join(dir, 'bad.safetensors');
    writeFileSync(file, Buffer.from([255, 255, 0, 0, 0, 0, 0, 0, 1]));
    assert.throws(() => readSafetensors(file), (e: Error & { code?: string }) => e.code === 'DAPT_CHECKPOINT_INVALID');
  });
});

describe('atomic checkpoints', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('replaces a directory whole, and recovers when a swap stopped between its renames', async () => {
    const target = join(dir, 'ckpt');
    await replaceDir(target, (tmp) => writeFileSync(join(tmp, 'v'), '1'));
    await replaceDir(target, (tmp) => writeFileSync(join(tmp, 'v'), '2'));
    assert.equal(readFileSync(join(target, 'v'), 'utf8'), '2');
    // crash after "rename old away", before "rename new in"
    renameSync(target, `${target}.old`);
    mkdirSync(`${target}.tmp-123-x`);
    recoverDir(target);
    assert.equal(readFileSync(join(target, 'v'), 'utf8'), '2');
    assert.ok(!existsSync(`${target}.tmp-123-x`));
    // a fill that fails leaves the old version
    await assert.rejects(replaceDir(target, () => {
      throw new Error('disk full');
    }));
    assert.equal(readFileSync(join(target, 'v'), 'utf8'), '2');
  });

  it('saves and loads weights, optimiser state, extra tensor sets and JSON state', async () => {
    const t: TensorMap = new Map([['w', { shape: [2], data: Float32Array.from([1, 2]) }]]);
    const target = join(dir, 'train');
    assert.equal(loadCheckpoint(target, 'pretrain'), null);
    await saveCheckpoint(target, { state: { kind: 'pretrain', step: 5 }, weights: t, optimizer: t, extra: { best: t } });
    const back = loadCheckpoint<{ kind: string; step: number }>(target, 'pretrain')!;
    assert.equal(back.state.step, 5);
    assert.deepEqual(back.extra.best!.get('w'), t.get('w'));
    assert.throws(() => loadCheckpoint(target, 'finetune'), /expected finetune/);
  });
});
