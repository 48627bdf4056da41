/**
 * The StageReporter used inside `dapt stage`: prints progress lines (they land in the stage's
 * log.txt), keeps `progress.json` current for the live view (atomically, at most about once a
 * second), and forwards metrics, params and tags to MLflow. A tracking failure is printed once
 * as a warning and never reaches the runner.
 */
import { writeProgressFile, type ProgressFile } from '../store/progress-file.ts';
import type { RunLogger } from '../track/index.ts';
import type { StageReporter } from './types.ts';

export interface ProcessReporterOptions {
  progressPath: string;
  print(line: string): void;
  logger: RunLogger | null;
  now?: () => number;
}

const WRITE_EVERY_MS = 1000;
const PRINT_EVERY_MS = 5000;

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  return a < 1e-3 ? v.toExponential(2) : v.toPrecision(4);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class ProcessStageReporter implements StageReporter {
  private readonly now: () => number;
  private lastMetrics: Record<string, number> = {};
  private readonly latest = new Map<string, { step: number; value: number }>();
  private readonly tagValues: Record<string, string> = {};
  private first: { done: number; at: number } | null = null;
  private lastWrite = -Infinity;
  private lastPrint = -Infinity;
  private pending: ProgressFile | null = null;
  private writing: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(private readonly opts: ProcessReporterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Tags the runner set (e.g. `dapt.backend`), for metrics.json. */
  get runnerTags(): Readonly<Record<string, string>> {
    return this.tagValues;
  }

  private track(what: string, call: (logger: RunLogger) => void): void {
    if (!this.opts.logger) return;
    try {
      call(this.opts.logger);
    } catch (e) {
      if (!this.warned) this.opts.print(`warning: MLflow ${what} failed (${(e as Error).message}); training goes on`);
      this.warned = true;
    }
  }

  /** Each step metric's latest point, for placing the final values after the series. */
  get series(): ReadonlyMap<string, { step: number; value: number }> {
    return this.latest;
  }

  metrics(step: number, values: Record<string, number>): void {
    this.lastMetrics = { ...this.lastMetrics, ...values };
    for (const [key, value] of Object.entries(values)) this.latest.set(key, { step, value });
    this.track('metrics', (l) => l.metrics(step, values));
  }

  params(values: Record<string, string | number | boolean>): void {
    this.track('params', (l) => l.params(values));
  }

  tags(values: Record<string, string>): void {
    Object.assign(this.tagValues, values);
    this.track('tags', (l) => l.tags(values));
  }

  log(line: string): void {
    this.opts.print(line);
  }

  progress(done: number, total: number, info: Record<string, number | string> = {}): void {
    const at = this.now();
    if (!this.first || done < this.first.done) this.first = { done, at };
    const elapsed = (at - this.first.at) / 1000;
    const rate = elapsed > 0 && done > this.first.done ? (done - this.first.done) / elapsed : null;
    const etaSeconds = rate ? Math.max(0, (total - done) / rate) : null;
    const file: ProgressFile = { done, total, etaSeconds, rate, info, metrics: this.lastMetrics, updatedAt: new Date(at).toISOString() };
    const finished = done >= total;
    if (finished || at - this.lastPrint >= PRINT_EVERY_MS) {
      this.lastPrint = at;
      const pct = total > 0 ? ` (${((100 * done) / total).toFixed(1)}%)` : '';
      const metrics = Object.entries(this.lastMetrics).map(([k, v]) => ` ${k}=${formatNumber(v)}`).join('');
      const eta = etaSeconds !== null && !finished ? ` eta ${formatDuration(etaSeconds)}` : '';
      this.opts.print(`progress ${done}/${total}${pct}${metrics}${eta}`);
    }
    this.pending = file;
    if (finished || at - this.lastWrite >= WRITE_EVERY_MS) {
      this.lastWrite = at;
      this.writeLatest();
    }
  }

  private writeLatest(): void {
    this.writing = this.writing.then(async () => {
      const file = this.pending;
      this.pending = null;
      if (!file) return;
      try {
        await writeProgressFile(this.opts.progressPath, file);
      } catch {
        // The live view is a convenience; a failed write must not fail the stage.
      }
    });
  }

  /** Writes the latest progress and waits for pending writes. */
  async close(): Promise<void> {
    this.writeLatest();
    await this.writing;
  }
}
