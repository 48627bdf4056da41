/**
 * Start-up (issue #11, item 3): `dapt --help`, `dapt validate` of one file, and a cached re-run of
 * a finished study of at least 50 stages (fake trainer), beside plain `node -e 0` measured in the
 * same run, so a busy machine shows up as a larger reference rather than as a slower dapt. The
 * re-run ends by writing the report; `dapt report` alone is timed too, and the re-run's own
 * overhead is the difference. Wall seconds are medians; cpu_s is the CPU time of the process
 * (user + system, from /proc), which neighbours on a shared machine disturb much less.
 *   node --import tsx bench/startup.bench.ts [--runs N]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { checkBuild } from '../bin/_build-key.js';
import { loadStudy } from '../src/study/load.ts';
import { benchStudy } from './_study.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'dapt.js');
const MIN_STAGES = 50;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const targets = { help: 0.3, validate: 0.5, 'rerun-cached-without-report': 1 };

const ticksPerSecond = Number((await execa('getconf', ['CLK_TCK'], { reject: false })).stdout) || null;

/** CPU seconds of the children this process has waited for (Linux), else null. */
function childrenCpu(): number | null {
  if (ticksPerSecond === null) return null;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // fields 16 and 17 of proc(5), cutime and cstime, counted from field 3 here
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  } catch {
    return null;
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function measure(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ seconds: number; cpu_s: number | null }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = childrenCpu();
    const t0 = performance.now();
    await execa(process.execPath, args, { ...opts, stdout: 'ignore', stderr: 'ignore' });
    wall.push((performance.now() - t0) / 1000);
    const c1 = childrenCpu();
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
  }
  return { seconds: Number(median(wall).toFixed(3)), cpu_s: cpu.length ? Number(median(cpu).toFixed(3)) : null };
}

const dir = await mkdtemp(join(tmpdir(), 'dapt-bench-startup-'));
try {
  const env = { ...process.env, DAPT_DATA: join(dir, 'data') };
  // Enough seeds for a study of at least MIN_STAGES stages.
  let seeds = [1];
  let file = '';
  for (;;) {
    await rm(join(dir), { recursive: true, force: true });
    file = await benchStudy(dir, seeds);
    const { plan } = await loadStudy({ files: [file], cwd: dir, env, storeDir: join(dir, 'runs'), dataRootFlag: null });
    if (plan.stages.length >= MIN_STAGES) break;
    seeds = [...seeds, seeds.length + 1];
  }
  const runArgs = [bin, 'run', file, '--store', join(dir, 'runs'), '--trainer', 'fake'];
  await execa(process.execPath, [...runArgs, '--jobs', '4'], { cwd: dir, env });
  const stages = (await readdir(join(dir, 'runs', 'stages'))).length;
  const build = checkBuild(repo);
  const common = { bench: 'startup', runs: RUNS, build: build.fresh ? 'dist' : `sources (${build.reason})` };
  const opts = { cwd: dir, env };

  const reference = await measure(['-e', '0'], opts);
  console.log(JSON.stringify({ ...common, case: 'node -e 0', ...reference }));
  const show = (name: string, m: { seconds: number; cpu_s: number | null }, extra: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({
      ...common, case: name, ...m, ...extra,
      x_node: Number((m.seconds / reference.seconds).toFixed(1)),
      ...(name in targets ? { target_s: targets[name as keyof typeof targets] } : {}),
    }));
  show('help', await measure([bin, '--help'], opts));
  show('validate', await measure([bin, 'validate', file], opts));
  const rerun = await measure(runArgs, opts);
  show('rerun-cached', rerun, { stages });
  const report = await measure([bin, 'report', file, '--store', join(dir, 'runs')], opts);
  show('report', report);
  show('rerun-cached-without-report', {
    seconds: Number(Math.max(0, rerun.seconds - report.seconds).toFixed(3)),
    cpu_s: rerun.cpu_s !== null && report.cpu_s !== null ? Number(Math.max(0, rerun.cpu_s - report.cpu_s).toFixed(3)) : null,
  }, { stages });
} finally {
  await rm(dir, { recursive: true, force: true });
}
