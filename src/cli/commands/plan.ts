/** `dapt plan FILE…`: show every stage the experiments imply, what is shared and what is done. */
import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import { stageStates, storeExists } from '../../store/stage-state.ts';
import { loadStudy, requireStudyFiles } from '../../study/load.ts';
import { planRenderers, planStats, summaryLine, type PlanFormat } from '../../plan/render/index.ts';
import type { Command } from '../types.ts';

const formats = Object.keys(planRenderers) as PlanFormat[];
/** The run store to consult: `--store` (must exist), else `runs/` if it exists, else none. */
async function findStore(flag: string | undefined, cwd: string): Promise<string | null> {
  if (flag !== undefined) {
    const dir = resolve(cwd, flag);
    if (!(await storeExists(dir))) throw new UsageError(`run store not found: ${dir} (give an existing --store, or leave it out to plan without stage states)`);
    return dir;
  }
  const dir = resolve(cwd, DEFAULT_STORE_DIR);
  return (await storeExists(dir)) ? dir : null;
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
    requireStudyFiles(positionals, 'plan');
    const format = values['format'] as string;
    if (!(formats as string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${format}"`);
    const storeDir = await findStore(values['store'] as string | undefined, io.cwd);
    const dataRootFlag = (values['data-root'] as string | undefined) ?? null;
    const { plan: merged } = await loadStudy({ command: 'plan', files: positionals, cwd: io.cwd, env: io.env, storeDir, dataRootFlag });

    const states = storeDir ? await stageStates(storeDir, merged.stages.map((s) => s.key)) : null;
    io.stdout.write(planRenderers[format as PlanFormat](merged, states));
    if (format !== 'tree') io.stderr.write(summaryLine(planStats(merged, states)) + '\n');
    return 0;
  },
};
