/**
 * What `dapt pull` shows while it downloads: a cli-progress bar per file on a terminal, and
 * nothing in between on a pipe (the per-file result lines are written either way).
 */
import cliProgress from 'cli-progress';

export interface PullView {
  progress(label: string, received: number, total: number | null): void;
  done(line: string): void;
}

export function createPullView(stream: NodeJS.WritableStream & { isTTY?: boolean }): PullView {
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
    current = '';
  };
  return {
    progress(label, received, total) {
      if (stream.isTTY !== true) return;
      if (label !== current) {
        stopBar();
        current = label;
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {percentage}% | {value_mb}/{total_mb} MB | ETA {eta_formatted}`, barsize: 24, hideCursor: true, fps: 4 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, received, mb(received, total));
      }
      bar?.update(received, mb(received, total));
    },
    done(line) {
      stopBar();
      stream.write(`${line}\n`);
    },
  };
}

function mb(received: number, total: number | null): { value_mb: string; total_mb: string } {
  return { value_mb: (received / 1e6).toFixed(1), total_mb: total === null ? '?' : (total / 1e6).toFixed(1) };
}
