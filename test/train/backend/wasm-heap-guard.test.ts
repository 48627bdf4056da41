import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guardHeap } from '../../../src/train/backend/wasm-heap-guard.ts';

test('a failed wasm allocation is a clear error, not a write to address 0', () => {
  const wasm = { _malloc: (bytes: number) => (bytes === 0 || bytes > 100 ? 0 : 64), asm: undefined };
  guardHeap({ wasm });
  assert.equal(wasm._malloc(10), 64);
  assert.equal(wasm._malloc(0), 0);
  assert.throws(() => wasm._malloc(3 * 2 ** 20), (e: { code?: string; message: string }) => e.code === 'DAPT_STAGE_FAILED' && /full while allocating 3 MB.*smaller batch/.test(e.message));
});
