/**
 * A single-node Slurm cluster on localhost for integration tests: munged with its own key and
 * socket, slurmctld and slurmd started with `-f <config>` from a temp directory on free ports, and
 * `SLURM_CONF` for the client commands. Installs nothing (.ci/run installs Slurm and munge): where
 * they are missing the caller skips, or fails under DAPT_TEST_REQUIRE=1. Everything started here
 * is stopped (by the pids in its pid files) and removed in `t.after`, even when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { execa } from 'execa';

export interface TestCluster {
  dir: string;
  /** Environment for anything that talks to the cluster (`SLURM_CONF`). */
  env: Record<string, string>;
}

const COMMANDS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'];

async function missingCommands(): Promise<string[]> {
  const missing: string[] = [];
  for (const c of COMMANDS) {
    // The daemons live in /usr/sbin, which a non-login PATH may lack.
    const r = await execa('sh', ['-c', `command -v ${c} || test -x /usr/sbin/${c}`], { reject: false });
    if (r.exitCode !== 0) missing.push(c);
  }
  return missing;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function killFromPidFile(path: string, signal: NodeJS.Signals): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, signal);
    return pid;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function tail(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
}

/** Starts the cluster, or returns why it cannot run here (the caller skips). */
export async function startCluster(t: TestContext): Promise<TestCluster | string> {
  const missing = await missingCommands();
  if (missing.length) return `Slurm is not installed (${missing.join(', ')} missing; Debian: apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs, and this test is not root';

  const dir = await mkdtemp(join(tmpdir(), 'dapt-slurm-'));
  await chmod(dir, 0o755);
  const pidFiles = { slurmd: join(dir, 'slurmd.pid'), slurmctld: join(dir, 'slurmctld.pid'), munged: join(dir, 'munge', 'munged.pid') };
  const conf = join(dir, 'slurm.conf');
  const env = { SLURM_CONF: conf };
  t.after(async () => {
    await execa('scancel', ['--full', '-u', 'root'], { env: { ...process.env, ...env }, reject: false, timeout: 10_000 });
    for (const file of [pidFiles.slurmd, pidFiles.slurmctld, pidFiles.munged]) {
      const pid = killFromPidFile(file, 'SIGTERM');
      for (let i = 0; pid !== null && alive(pid) && i < 50; i++) await new Promise((r) => setTimeout(r, 100));
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  });

  for (const d of ['munge', 'state', 'spool', 'log']) await mkdir(join(dir, d), { recursive: true });
  const key = join(dir, 'munge', 'munge.key');
  await writeFile(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge', 'munge.socket');
  const munged = await execa(
    'munged',
    ['--force', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${pidFiles.munged}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'munged.seed')}`],
    { reject: false },
  );
  if (munged.exitCode !== 0) return `munged did not start: ${String(munged.stderr).trim() || (await tail(join(dir, 'munge', 'munged.log')))}`;

  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const memoryMiB = Math.floor((totalmem() / 1024 ** 2) * 0.8);
  await writeFile(
    conf,
    [
      'ClusterName=dapttest',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${pidFiles.slurmctld}`,
      `SlurmdPidFile=${pidFiles.slurmd}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SchedulerType=sched/builtin',
      // Schedule at once on every event (the defaults wait up to 3 s between a job's end and its dependents' start).
      'SchedulerParameters=batch_sched_delay=0,sched_min_interval=0',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'ReturnToService=2',
      // Ended jobs leave the controller after 2 s, so the executor's reading of purged jobs is exercised.
      'MinJobAge=2',
      'JobCompType=jobcomp/none',
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      'MpiDefault=none',
      `NodeName=${node} CPUs=${cpus().length} RealMemory=${memoryMiB} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  for (const daemon of ['slurmctld', 'slurmd']) {
    const r = await execa(daemon, ['-f', conf], { env: { ...process.env, ...env }, reject: false, timeout: 20_000 });
    if (r.exitCode !== 0) return `${daemon} did not start: ${String(r.stderr).trim() || (await tail(join(dir, 'log', `${daemon}.log`)))}`;
  }
  for (let i = 0; i < 100; i++) {
    const r = await execa('sinfo', ['-h', '-o', '%T'], { env: { ...process.env, ...env }, reject: false });
    if (/^idle/m.test(String(r.stdout))) return { dir, env };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return `the test cluster's node did not become idle in 20 s:\n${await tail(join(dir, 'log', 'slurmctld.log'))}\n${await tail(join(dir, 'log', 'slurmd.log'))}`;
}
