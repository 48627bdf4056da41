/**
 * Live progress of a training loop: a cli-progress bar (loss, tokens/s, ETA) when the stream is
 * a terminal, otherwise a plain line every `plainEverySeconds` (CI, Slurm logs). The stage
 * runner passes the stream; library code below it never prints.
 */
import cliProgress from 'cli-progress';

export interface ProgressInfo {
  loss: number;
  tokensPerSecond: number;
  /** Extra fields for the plain line, e.g. mask_prob or dev score. */
  extra?: Record<string, number>;
}

export interface ProgressView {
  update(done: number, info: ProgressInfo): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  label: string;
  total: number;
  /** Step the run (re)started from; ETA is measured from there. */
  start: number;
  plainEverySeconds?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

export function createProgressView(opts: ProgressOptions): ProgressView {
  if (opts.stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream: opts.stream,
        format: `${opts.label} [{bar}] {percentage}% | {value}/{total} | loss {loss} | {tps} tok/s | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 50,
        fps: 4,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.total, opts.start, { loss: '-', tps: '-' });
    return {
      update(done, info) {
        bar.update(done, { loss: fmt(info.loss), tps: Math.round(info.tokensPerSecond).toLocaleString('en-US') });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const every = (opts.plainEverySeconds ?? 30) * 1000;
  const began = Date.now();
  let last = 0;
  const line = (done: number, info: ProgressInfo): string => {
    const seconds = (Date.now() - began) / 1000;
    // no ETA from the first step alone: its rate is meaningless
    const rate = seconds >= 1 ? (done - opts.start) / seconds : 0;
    const eta = rate > 0 ? (opts.total - done) / rate : NaN;
    const extra = Object.entries(info.extra ?? {})
      .map(([k, v]) => ` ${k} ${fmt(v)}`)
      .join('');
    const pct = ((100 * done) / Math.max(1, opts.total)).toFixed(1);
    return `${opts.label} step ${done}/${opts.total} (${pct}%) loss ${fmt(info.loss)}${extra} ${Math.round(info.tokensPerSecond)} tok/s eta ${formatDuration(eta)}\n`;
  };
  let latest: { done: number; info: ProgressInfo } | null = null;
  return {
    update(done, info) {
      latest = { done, info };
      const now = Date.now();
      if (now - last >= every || done >= opts.total) {
        last = now;
        opts.stream.write(line(done, info));
      }
    },
    stop() {
      if (latest !== null && latest.done < opts.total) opts.stream.write(line(latest.done, latest.info));
    },
  };
}
