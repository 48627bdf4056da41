/**
 * An in-memory Slurm for the DAG runner's tests: sbatch requests are parsed back (dependencies,
 * directory), a job starts when `afterok` is satisfied (a purged dependency counts as satisfied,
 * as in Slurm 22.05), jobs whose dependency failed are cancelled (DependencyNeverSatisfied),
 * ended jobs are purged after a few polls, and a stage job runs `dapt stage`'s body in this
 * process. The store check job writes its marker unless `storeShared` is false.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runStageProcess } from '../../../src/execute/stage-process.ts';
import type { JobDetail, QueueRow, SlurmClient, SubmitRequest } from '../../../src/execute/slurm/types.ts';

export interface FakeJob {
  id: string;
  name: string;
  dir: string;
  dependencies: string[];
  state: string;
  reason: string | null;
  script: string;
  signal: ((s: string) => void) | null;
  endedPolls: number;
}

export class FakeCluster implements SlurmClient {
  readonly jobs = new Map<string, FakeJob>();
  /** Every job ever submitted, in order. */
  readonly history: FakeJob[] = [];
  storeShared = true;
  purgeAfterPolls = 2;
  private next = 100;
  private readonly running = new Set<Promise<void>>();

  async submit(request: SubmitRequest): Promise<string> {
    const arg = (name: string) => request.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const dependencies = arg('dependency')?.replace(/^afterok:/, '').split(':') ?? [];
    const id = String(this.next++);
    const job: FakeJob = {
      id,
      name: arg('job-name') ?? 'job',
      dir: arg('chdir') ?? '/',
      dependencies,
      state: 'PENDING',
      reason: dependencies.length ? 'Dependency' : null,
      script: request.script,
      signal: null,
      endedPolls: 0,
    };
    this.jobs.set(id, job);
    this.history.push(job);
    return id;
  }

  async queue(jobIds: readonly string[]): Promise<QueueRow[]> {
    this.step();
    return jobIds.flatMap((id) => {
      const j = this.jobs.get(id);
      return j ? [{ id, jobId: id, arrayJobId: null, arrayTaskId: null, name: j.name, state: j.state, reason: j.reason, dependency: null }] : [];
    });
  }

  async show(jobId: string): Promise<JobDetail | null> {
    const j = this.jobs.get(jobId);
    return j ? { jobId, state: j.state, reason: j.reason, exitCode: 0, signal: 0, nodeList: 'fake' } : null;
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    for (const id of jobIds) {
      const j = this.jobs.get(id);
      if (!j) continue;
      if (j.state === 'PENDING') [j.state, j.reason] = ['CANCELLED', null];
      else if (j.state === 'RUNNING') j.signal?.('SIGTERM');
    }
  }

  /** Waits for stages still running in this process. */
  async settle(): Promise<void> {
    await Promise.all(this.running);
  }

  private step(): void {
    for (const j of [...this.jobs.values()]) {
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.state)) {
        if (++j.endedPolls > this.purgeAfterPolls) this.jobs.delete(j.id);
        continue;
      }
      if (j.state !== 'PENDING') continue;
      const deps = j.dependencies.map((d) => this.jobs.get(d));
      if (deps.some((d) => d && ['FAILED', 'CANCELLED'].includes(d.state))) {
        [j.state, j.reason] = ['CANCELLED', 'DependencyNeverSatisfied'];
      } else if (deps.every((d) => !d || d.state === 'COMPLETED')) {
        this.start(j);
      }
    }
  }

  private start(j: FakeJob): void {
    [j.state, j.reason] = ['RUNNING', null];
    const done = this.execute(j).then((code) => {
      if (j.state === 'RUNNING') j.state = code === 0 ? 'COMPLETED' : code === 130 ? 'CANCELLED' : 'FAILED';
      this.running.delete(done);
    });
    this.running.add(done);
  }

  private async execute(j: FakeJob): Promise<number> {
    if (j.name === 'dapt-store-check') {
      const marker = /hostname > '([^']+)'/.exec(j.script)?.[1];
      if (this.storeShared && marker) await writeFile(marker, 'fake-node\n');
      return 0;
    }
    const token = /export DAPT_STAGE_LOCK_TOKEN='([^']+)'/.exec(j.script)?.[1] ?? '';
    return runStageProcess(join(j.dir, 'spec.json'), {
      print: () => undefined,
      env: { ...process.env, DAPT_STAGE_LOCK_TOKEN: token },
      onSignal: (handler) => {
        j.signal = handler;
        return () => {
          j.signal = null;
        };
      },
      exitNow: () => undefined,
    }).catch(() => 1);
  }
}
