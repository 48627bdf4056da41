/**
 * `work/curves.jsonl`: one JSON object per logged step. On resume the file is cut back to the
 * checkpoint's step (lines logged after it are re-logged by the resumed run), so a resumed run
 * leaves the same curve as an uninterrupted one.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';

export interface CurvePoint {
  step: number;
  loss: number;
  lr: number;
  tokens_per_s: number;
  mask_prob?: number;
  heldout_loss?: number;
  heldout_perplexity?: number;
  [devMetric: `dev_${string}`]: number;
}

export class CurveLog {
  constructor(
    private readonly file: string,
    keepUpToStep: number,
  ) {
    const kept: string[] = [];
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        try {
          const p = JSON.parse(line) as { step?: unknown };
          if (typeof p.step === 'number' && p.step <= keepUpToStep) kept.push(line);
        } catch {
          // a line cut short by a crash, or blank
        }
      }
    }
    writeFileAtomic.sync(file, kept.map((l) => l + '\n').join(''));
  }

  append(point: CurvePoint): void {
    appendFileSync(this.file, JSON.stringify(point) + '\n');
  }
}

/** The metric values of a point (everything but `step`), for StageReporter.metrics. */
export function metricValues(point: CurvePoint): Record<string, number> {
  const { step: _step, ...rest } = point;
  return rest as Record<string, number>;
}
