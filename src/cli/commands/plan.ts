/** `dapt plan FILE…`: show every stage the experiments imply, what is shared and what is done. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveDataRoot } from '../../config/dataRoot.ts';
import { loadExperimentOrThrow } from '../../config/load.ts';
import type { Experiment } from '../../config/types.ts';
import { buildCatalog } from '../../data/catalog.ts';
import { UsageError } from '../../errors.ts';
import { cacheDir } from '../../store/layout.ts';
import { stageState } from '../../store/stage-state.ts';
import { mergePlans, planExperiment, type InputCatalog, type Plan } from '../../plan/index.ts';
import { planRenderers, planStats, summaryLine, type PlanFormat, type StageState } from '../../plan/render/index.ts';
import type { Command } from '../types.ts';

const formats = Object.keys(planRenderers) as PlanFormat[];
const DEFAULT_STORE = 'runs';
/** Store look-ups in flight at once: each is a stat and a small manifest read. */
const STATE_CONCURRENCY = 32;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The run store to consult: `--store` (must exist), else `runs/` if it exists, else none. */
async function findStore(flag: string | undefined, cwd: string): Promise<string | null> {
  if (flag !== undefined) {
    const dir = resolve(cwd, flag);
    if (!(await isDirectory(dir))) throw new UsageError(`run store not found: ${dir} (give an existing --store, or leave it out to plan without stage states)`);
    return dir;
  }
  const dir = resolve(cwd, DEFAULT_STORE);
  return (await isDirectory(dir)) ? dir : null;
}

async function storeStates(storeDir: string, plan: Plan): Promise<Map<string, StageState>> {
  const states = new Map<string, StageState>();
  const keys = plan.stages.map((s) => s.key);
  for (let i = 0; i < keys.length; i += STATE_CONCURRENCY) {
    const batch = keys.slice(i, i + STATE_CONCURRENCY);
    const got = await Promise.all(batch.map((k) => stageState(storeDir, k)));
    batch.forEach((k, j) => states.set(k, got[j]!));
  }
  return states;
}

export const plan: Command = {
  name: 'plan',
  usage: `plan FILE… [--format ${formats.join('|')}] [--store DIR] [--data-root DIR]\n\n` +
    'tree (default) groups stages by experiment, point, arm and task; json prints the plan itself;\n' +
    'dot and mermaid print the stage graph. With a run store (--store, or runs/ if present) each\n' +
    'stage shows whether it is done. The summary line goes to stderr for json, dot and mermaid.',
  summary: 'show the stages the experiments imply: keys, parents, sharing, and which are done',
  options: {
    format: { type: 'string', default: 'tree' },
    store: { type: 'string' },
    'data-root': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('give at least one experiment file, e.g. `dapt plan experiments/quickstart.yaml`');
    const format = values['format'] as string;
    if (!(formats as string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${format}"`);
    const storeDir = await findStore(values['store'] as string | undefined, io.cwd);
    const flag = values['data-root'] as string | undefined;

    const experiments: Experiment[] = [];
    for (const file of positionals) experiments.push(await loadExperimentOrThrow(resolve(io.cwd, file), { cwd: io.cwd }));
    // Files may use different data roots: content ids do not depend on where data lives.
    const byRoot = new Map<string, Experiment[]>();
    const rootOf = new Map<Experiment, string>();
    for (const experiment of experiments) {
      const root = resolveDataRoot({ flag, env: io.env, experiment, cwd: io.cwd });
      rootOf.set(experiment, root);
      byRoot.set(root, [...(byRoot.get(root) ?? []), experiment]);
    }
    const catalogs = new Map<string, InputCatalog>();
    for (const [root, group] of byRoot) {
      catalogs.set(root, await buildCatalog(group, { dataRoot: root, ...(storeDir ? { cacheDir: cacheDir(storeDir) } : {}) }));
    }
    const merged = mergePlans(experiments.map((e) => planExperiment(e, catalogs.get(rootOf.get(e)!)!)));

    const states = storeDir ? await storeStates(storeDir, merged) : null;
    io.stdout.write(planRenderers[format as PlanFormat](merged, states));
    if (format !== 'tree') io.stderr.write(summaryLine(planStats(merged, states)) + '\n');
    return 0;
  },
};
