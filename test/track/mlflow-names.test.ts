import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MLFLOW_LIMITS, codePointLength, fitValue, mlflowKeyProblem, pythonNormpath, sanitizeKey } from '../../src/track/mlflow-names.ts';

describe('pythonNormpath matches posixpath.normpath', () => {
  // Expected values printed by CPython 3.11's posixpath.normpath.
  const rows: [string, string][] = [
    ['', '.'], ['.', '.'], ['a', 'a'], ['a/', 'a'], ['a//b', 'a/b'], ['/a', '/a'], ['//a', '//a'], ['///a', '/a'],
    ['a/./b', 'a/b'], ['a/../b', 'b'], ['../a', '../a'], ['a/..', '.'], ['..', '..'], ['a/b/../../..', '..'], ['./', '.'], ['x/y/', 'x/y'],
  ];
  for (const [input, expected] of rows) it(JSON.stringify(input), () => assert.equal(pythonNormpath(input), expected));
});

describe('mlflowKeyProblem follows mlflow/utils/validation.py', () => {
  const valid = ['loss', 'dev/loss', 'train/lr/group 0', 'x.y-z_1', 'héllo', 'step 1', 'a..b', 'x'.repeat(250)];
  const invalid = ['', 'a[0]', 'a:b', 'a//b', 'a/', '/a', './a', '..a', '.', 'a/./b', 'a/../b', 'x'.repeat(251), 'tab\there'];
  for (const k of valid) it(`accepts ${JSON.stringify(k.slice(0, 30))}`, () => assert.equal(mlflowKeyProblem(k), null));
  for (const k of invalid) it(`rejects ${JSON.stringify(k.slice(0, 30))}`, () => assert.notEqual(mlflowKeyProblem(k), null));
});

describe('sanitizeKey', () => {
  it('leaves valid keys alone', () => {
    for (const k of ['loss', 'dev/macro_f1', 'model.hidden_size']) assert.equal(sanitizeKey(k), k);
  });
  it('turns every key into one MLflow accepts', () => {
    const nasty = ['', 'a[0].b', 'tasks[1]/name', '//x//', '../../etc', '..hidden', './a/./b/..', 'é€✓', 'k:v=1', '/', '.', 'a/'.repeat(200), 'y'.repeat(600)];
    for (const k of nasty) {
      const s = sanitizeKey(k);
      assert.equal(mlflowKeyProblem(s), null, `${JSON.stringify(k)} → ${JSON.stringify(s)}`);
    }
  });
  it('keeps distinct over-long keys distinct and within 250 characters', () => {
    const a = sanitizeKey('p'.repeat(300) + 'a');
    const b = sanitizeKey('p'.repeat(300) + 'b');
    assert.notEqual(a, b);
    assert.ok(codePointLength(a) <= MLFLOW_LIMITS.keyLength);
  });
  it('replaces characters MLflow forbids', () => {
    assert.equal(sanitizeKey('optimizer[lr]'), 'optimizer_lr_');
  });
});

describe('fitValue', () => {
  it('keeps values within the limit unchanged', () => {
    assert.deepEqual(fitValue('x'.repeat(6000), 6000), { value: 'x'.repeat(6000) });
  });
  it('cuts longer values to the limit with a visible marker', () => {
    const { value, truncatedFrom } = fitValue('x'.repeat(7000), 6000);
    assert.equal(truncatedFrom, 7000);
    assert.equal(codePointLength(value), 6000);
    assert.match(value, /truncated by dapt: 7000 chars\]$/);
  });
  it('counts code points and never splits a surrogate pair', () => {
    const { value } = fitValue('😀'.repeat(9000), 8000);
    assert.equal(codePointLength(value), 8000);
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(value));
  });
});
