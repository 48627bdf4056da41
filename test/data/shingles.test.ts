import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardTokens } from '../../src/data/normalize.ts';
import { ShingleTable } from '../../src/data/shingle-table.ts';
import { forEachShingle, shingleText, tokenLanes } from '../../src/data/shingles.ts';

describe('shingles', () => {
  it('scans the same guard tokens as the regex definition', () => {
    for (const text of ['Hello, WORLD! << x >> [[ y ]] 42nd été end', 'İstanbul KELVIN\u212A', '', '...']) {
      const lanes = tokenLanes(text);
      assert.equal(shingleText(lanes, 0, lanes.count), guardTokens(text).join(' '));
    }
  });

  it('gives equal windows equal keys wherever they occur (rolling = direct)', () => {
    const text = 'a b c d e f g a b c d e f g h';
    const keys: string[] = [];
    forEachShingle(tokenLanes(text), 3, (h1, h2) => keys.push(`${h1}:${h2}`));
    assert.equal(keys.length, 13);
    keys.forEach((k, start) => {
      const direct: string[] = [];
      forEachShingle(tokenLanes(text.split(' ').slice(start, start + 3).join(' ')), 3, (h1, h2) => direct.push(`${h1}:${h2}`));
      assert.deepEqual(direct, [k]);
    });
    assert.equal(keys[0], keys[7]);
    assert.notEqual(keys[0], keys[1]);
  });

  it('keeps every text of a key through table growth', () => {
    const table = new ShingleTable(1);
    for (let ref = 0; ref < 20000; ref++) {
      table.add(ref * 2654435761 >>> 0, ref, ref);
      table.add(7, 7, ref); // one key shared by every text
    }
    assert.equal(table.size, 20001); // 20000 own keys + the shared one
    assert.deepEqual(table.refs(table.find(7, 7)).length, 20000);
    assert.deepEqual(table.refs(table.find((123 * 2654435761) >>> 0, 123)), [123]);
    assert.equal(table.find(1, 2), -1);
  });
});
