import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend } from '../../../src/train/backend/index.ts';
import { getTrainOps } from '../../../src/train/ops/index.ts';

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

test('auto picks the best available backend, never cpu, and is idempotent', async () => {
  const handlers = process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
  const info = await initBackend();
  // the wasm runtime's rethrowing process handlers are removed (dapt's CLI reports errors itself)
  assert.equal(process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length, handlers);
  assert.notEqual(info.name, 'cpu');
  assert.equal(tf.getBackend(), info.name === 'wasm' ? 'wasm' : 'tensorflow');
  if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) {
    assert.equal(info.name, 'wasm');
    assert.ok(info.notes.some((n) => n.includes('@tensorflow/tfjs-node-gpu')), info.notes.join('\n'));
    assert.ok(info.notes.some((n) => n.includes('@tensorflow/tfjs-node ')), info.notes.join('\n'));
  }
  assert.ok(info.threads >= 1);
  assert.equal(await initBackend('auto'), info);
  assert.equal(await initBackend(info.name), info);
  assert.equal(currentBackend(), info);
  assert.equal(getTrainOps().name, info.ops);
});

test('an unknown backend name is a usage-level error that changes nothing', async () => {
  const before = currentBackend();
  await assert.rejects(initBackend('tpu' as never), (e: { code?: string }) => e.code === 'DAPT_BACKEND_UNAVAILABLE');
  assert.equal(currentBackend(), before);
});

test('a requested backend that cannot load is reported, not silently replaced', async (t) => {
  if (installed('@tensorflow/tfjs-node')) return t.skip('@tensorflow/tfjs-node is installed here');
  await assert.rejects(initBackend('tensorflow'), (e: { code?: string; message: string }) => e.code === 'DAPT_BACKEND_UNAVAILABLE' && e.message.includes('@tensorflow/tfjs-node'));
});

test('cpu only when asked, with a warning that it is too slow to train', async () => {
  const info = await initBackend('cpu');
  assert.equal(info.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.ok(info.notes.some((n) => n.includes('too slow')));
});
