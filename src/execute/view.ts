/**
 * What `dapt run` shows while it works. On a terminal: a live multi-bar view (cli-progress) with
 * one bar per running stage (progress and ETA from its progress.json) under a line counting what
 * runs, waits, is cached, done or failed. Otherwise (CI, a pipe): plain timestamped lines, with
 * the running stages' log lines prefixed by their titles.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { StageKey } from '../plan/types.ts';
import { readProgressFile, type ProgressFile } from '../store/progress-file.ts';
import { formatDuration } from '../stages/reporter.ts';
import { stagePaths } from '../store/layout.ts';
import { LogFollower, fileSize } from './log-tail.ts';
import type { ExecEvent, StageRunState } from './types.ts';

export interface RunView {
  onEvent(event: ExecEvent): void;
  stop(): Promise<void>;
}

export interface RunViewOptions {
  stream: NodeJS.WritableStream;
  tty: boolean;
  storeDir: string;
  stageCount: number;
  pollMs?: number;
}

const TITLE_WIDTH = 36;
const ORDER: StageRunState[] = ['running', 'pending', 'locked', 'cached', 'done', 'failed', 'blocked', 'interrupted'];
const LABEL: Record<StageRunState, string> = {
  cached: 'cached',
  pending: 'waiting',
  locked: 'held by another run',
  starting: 'starting',
  running: 'running',
  done: 'done',
  failed: 'failed',
  blocked: 'blocked',
  interrupted: 'interrupted',
};

function readProgress(storeDir: string, key: StageKey): Promise<ProgressFile | null> {
  return readProgressFile(stagePaths(storeDir, key).progress);
}

function shortMetrics(p: ProgressFile | null): string {
  if (!p) return '';
  return Object.entries(p.metrics)
    .slice(0, 2)
    .map(([k, v]) => `${k} ${Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toFixed(3)}`)
    .join(' ');
}

function timestamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/** Counts stages by state (every stage starts as waiting). */
class Tally {
  private readonly states = new Map<StageKey, StageRunState>();
  constructor(private readonly total: number) {}

  set(key: StageKey, state: StageRunState): void {
    this.states.set(key, state === 'starting' ? 'running' : state);
  }

  line(): string {
    const counts = new Map<StageRunState, number>();
    for (const s of this.states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    counts.set('pending', (counts.get('pending') ?? 0) + this.total - this.states.size);
    return ORDER.filter((s) => (counts.get(s) ?? 0) > 0).map((s) => `${counts.get(s)} ${LABEL[s]}`).join(' · ');
  }
}

function eventLine(e: ExecEvent & { type: 'state' }): string {
  const attempt = e.attempt > 1 ? ` (attempt ${e.attempt})` : '';
  const detail = e.detail ? `: ${e.detail}` : '';
  return `${LABEL[e.state].padEnd(11)} ${e.stage.title} [${e.stage.key.slice(0, 8)}]${attempt}${detail}`;
}

class PlainView implements RunView {
  private readonly followers = new Map<StageKey, { title: string; follower: LogFollower }>();
  private readonly timer: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RunViewOptions) {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, opts.pollMs ?? 1000);
  }

  private print(line: string): void {
    this.opts.stream.write(`${timestamp()} ${line}\n`);
  }

  onEvent(e: ExecEvent): void {
    if (e.type === 'warning') return this.print(`warning: ${e.message}`);
    if (e.state === 'starting') return;
    const log = stagePaths(this.opts.storeDir, e.stage.key).log;
    if (e.state === 'running') {
      this.print(eventLine(e));
      // The executor appended an attempt header just before starting: follow from there.
      const from = fileSize(log);
      this.polling = this.polling.then(async () => {
        this.followers.set(e.stage.key, { title: e.stage.title, follower: new LogFollower(log, await from) });
      });
    } else if (this.followers.has(e.stage.key) || e.state === 'done' || e.state === 'failed' || e.state === 'interrupted') {
      // Its last log lines first, then how it ended.
      this.polling = this.polling.then(async () => {
        await this.flush(e.stage.key);
        this.followers.delete(e.stage.key);
        this.print(eventLine(e));
      });
    } else if (e.state !== 'cached' || e.detail) {
      // Stages cached from the start are only counted (in the summary): a finished study has hundreds.
      this.print(eventLine(e));
    }
  }

  private async flush(key: StageKey): Promise<void> {
    const f = this.followers.get(key);
    if (!f) return;
    for (const line of await f.follower.read()) this.opts.stream.write(`  [${f.title}] ${line}\n`);
  }

  private async poll(): Promise<void> {
    for (const key of this.followers.keys()) await this.flush(key);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.poll();
  }
}

class TtyView implements RunView {
  private readonly multibar: MultiBar;
  private readonly header: SingleBar;
  private readonly bars = new Map<StageKey, SingleBar>();
  private readonly tally: Tally;
  private readonly timer: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly opts: RunViewOptions) {
    this.tally = new Tally(opts.stageCount);
    this.multibar = new MultiBar({
      stream: opts.stream,
      hideCursor: true,
      clearOnComplete: false,
      format: ' {title} |{bar}| {percentage}% {value}/{total} {eta_text} {metrics}',
      barsize: 24,
    });
    this.header = this.multibar.create(1, 0, { line: this.tally.line() }, { format: '{line}' });
    this.timer = setInterval(() => void this.poll(), opts.pollMs ?? 1000);
  }

  onEvent(e: ExecEvent): void {
    if (e.type === 'warning') {
      this.multibar.log(`warning: ${e.message}\n`);
      return;
    }
    this.tally.set(e.stage.key, e.state);
    this.header.update(0, { line: this.tally.line() });
    if (e.state === 'running' && !this.bars.has(e.stage.key)) {
      this.bars.set(e.stage.key, this.multibar.create(1, 0, { title: this.titleOf(e.stage.title), eta_text: '', metrics: '' }));
      return;
    }
    if (e.state === 'starting' || e.state === 'running') return;
    const bar = this.bars.get(e.stage.key);
    if (bar) {
      this.multibar.remove(bar);
      this.bars.delete(e.stage.key);
    }
    // Cached stages are counted in the header, not listed: a cached study has hundreds.
    if (e.state !== 'cached' || e.detail) this.multibar.log(`${timestamp()} ${eventLine(e)}\n`);
  }

  /** Titles padded to one width so the bars line up. */
  private titleOf(title: string): string {
    return title.length > TITLE_WIDTH ? `${title.slice(0, TITLE_WIDTH - 1)}…` : title.padEnd(TITLE_WIDTH);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [key, bar] of this.bars) {
        const p = await readProgress(this.opts.storeDir, key);
        if (!p || !(p.total > 0)) continue;
        bar.setTotal(p.total);
        const eta = p.etaSeconds === null ? '' : `eta ${formatDuration(p.etaSeconds)}`;
        bar.update(Math.min(p.done, p.total), { eta_text: eta, metrics: shortMetrics(p) });
      }
    } finally {
      this.polling = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.multibar.stop();
  }
}

export function createRunView(opts: RunViewOptions): RunView {
  return opts.tty ? new TtyView(opts) : new PlainView(opts);
}
