import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createProgressView, formatDuration } from '../../src/train/progress.ts';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: string } {
  const s = new Writable({
    write(chunk: Buffer, _enc, done) {
      s.text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; text: string };
  s.text = '';
  s.isTTY = isTTY;
  return s;
}

describe('progress view', () => {
  it('prints plain lines with loss, tokens/s and ETA when the stream is not a terminal', () => {
    const out = sink(false);
    const view = createProgressView({ stream: out, label: 'pretrain', total: 100, start: 0, plainEverySeconds: 3600 });
    view.update(1, { loss: 7.25, tokensPerSecond: 1234.5, extra: { mask_prob: 0.15 } });
    view.update(2, { loss: 7.0, tokensPerSecond: 1300 });
    view.update(100, { loss: 6.5, tokensPerSecond: 1300 });
    view.stop();
    const lines = out.text.trim().split('\n');
    assert.equal(lines.length, 2, 'throttled to the interval, plus the last step');
    assert.match(lines[0]!, /^pretrain step 1\/100 \(1\.0%\) loss 7\.2500 mask_prob 0\.1500 1235 tok\/s eta \S+$/);
    assert.match(lines[1]!, /step 100\/100 \(100\.0%\) loss 6\.5000/);
  });

  it('draws a bar on a terminal', () => {
    const out = sink(true);
    const view = createProgressView({ stream: out, label: 'finetune', total: 10, start: 0 });
    view.update(5, { loss: 1.5, tokensPerSecond: 900 });
    view.stop();
    assert.match(out.text, /finetune \[.*\] 50% \| 5\/10 \| loss 1\.5000 \| 900 tok\/s/);
  });

  it('formats durations', () => {
    assert.equal(formatDuration(59), '59s');
    assert.equal(formatDuration(125), '2m05s');
    assert.equal(formatDuration(3 * 3600 + 120), '3h02m');
    assert.equal(formatDuration(Number.NaN), '?');
  });
});
