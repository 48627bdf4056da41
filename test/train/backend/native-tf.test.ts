import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeTensorflow } from '../../../src/train/backend/native-tf.ts';

test('a libtensorflow binding that is absent or broken is "not available", with the reason', async () => {
  const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu'"), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.deepEqual(await loadNativeTensorflow('tensorflow-gpu', () => Promise.reject(missing)), { ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' });
  // installed with its install script skipped: the package is there, its addon is not
  const noAddon = new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: .../napi-v8/tfjs_binding.node');
  const r = await loadNativeTensorflow('tensorflow', () => Promise.reject(noAddon));
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /@tensorflow\/tfjs-node could not be loaded \(The Node.js native addon/);
  assert.deepEqual(await loadNativeTensorflow('tensorflow', () => Promise.resolve({})), { ok: true });
});

test('the GPU binding loads with memory growth on, unless the user chose otherwise', async () => {
  const seen: Array<string | undefined> = [];
  const rows: Array<[string, 'tensorflow' | 'tensorflow-gpu', NodeJS.ProcessEnv, string | undefined]> = [
    ['gpu, not set', 'tensorflow-gpu', {}, 'true'],
    ['gpu, set by the user', 'tensorflow-gpu', { TF_FORCE_GPU_ALLOW_GROWTH: 'false' }, 'false'],
    ['cpu binding', 'tensorflow', {}, undefined],
  ];
  for (const [, which, env] of rows) await loadNativeTensorflow(which, async () => void seen.push(env['TF_FORCE_GPU_ALLOW_GROWTH']), env);
  assert.deepEqual(seen, rows.map((r) => r[3]));
});
