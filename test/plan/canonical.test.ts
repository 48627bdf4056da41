import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Canonicalizer, canonicalJson } from '../../src/plan/index.ts';
import { DaptError } from '../../src/errors.ts';

describe('canonicalJson', () => {
  const rows: Array<[string, unknown, string]> = [
    ['sorts keys at every depth', { b: 1, a: { d: [2, { z: 0, y: 1 }], c: 'x' } }, '{"a":{"c":"x","d":[2,{"y":1,"z":0}]},"b":1}'],
    ['drops undefined members', { a: undefined, b: null }, '{"b":null}'],
    ['shortest round-trip numbers', { a: 1e-5, b: 0.1 + 0.2, c: -0, d: 1e21, e: 5 }, '{"a":0.00001,"b":0.30000000000000004,"c":0,"d":1e+21,"e":5}'],
    ['escapes strings', { 'k"': 'a\nb\u2028' }, '{"k\\"":"a\\nb\u2028"}'],
    ['sorts by code unit, not locale', { b: 1, B: 2, _: 3 }, '{"B":2,"_":3,"b":1}'],
    ['empty containers', { a: [], b: {} }, '{"a":[],"b":{}}'],
  ];
  for (const [name, value, text] of rows) it(name, () => assert.equal(canonicalJson(value), text));

  const bad: Array<[string, unknown]> = [
    ['NaN', { a: NaN }],
    ['Infinity', [Infinity]],
    ['undefined in an array', [1, undefined]],
    ['a Date', { d: new Date(0) }],
    ['a Map', new Map()],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => canonicalJson(value), (e) => e instanceof DaptError && e.code === 'DAPT_INTERNAL'));
  }

  it('says where the unhashable value is', () => {
    assert.throws(() => canonicalJson({ a: { b: [1, NaN] } }), /non-finite number NaN at \$\.a\.b\[1\]/);
  });

  it('memoised objects give the same text wherever they appear', () => {
    const shared = { z: 1, a: [1, 2] };
    const c = new Canonicalizer();
    c.share(shared);
    assert.equal(c.text({ x: shared, y: shared }), '{"x":{"a":[1,2],"z":1},"y":{"a":[1,2],"z":1}}');
    assert.equal(c.text(shared), canonicalJson(shared));
  });
});
