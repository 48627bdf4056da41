/**
 * The command table: name → loader. Commands are imported only when run, so a `dapt stage`
 * process does not pay for the report's charting libraries or the planner's schema compiler.
 * Add one line here per command; each command lives in its own module.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from '../types.ts';

/** Written beside the compiled index by the build (bin/build.js); absent in the sources. */
export const SUMMARIES_FILE = 'summaries.json';

export const commandLoaders: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.ts')).validate,
  plan: async () => (await import('./plan.ts')).plan,
  run: async () => (await import('./run.ts')).run,
  status: async () => (await import('./status.ts')).status,
  report: async () => (await import('./report.ts')).report,
  overlap: async () => (await import('./overlap.ts')).overlap,
  stage: async () => (await import('./stage.ts')).stage,
  gc: async () => (await import('./gc.ts')).gc,
  sync: async () => (await import('./sync.ts')).sync,
  pull: async () => (await import('./pull.ts')).pull,
};

/** Every command, loaded (for `dapt --help`). */
export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}

/**
 * Name and summary of every command, for `dapt --help`. The build writes them beside this module,
 * so help from dist/ imports no command (some pull in the charting or schema libraries, hundreds
 * of milliseconds); from the sources every command is loaded instead.
 */
export async function commandSummaries(): Promise<Array<Pick<Command, 'name' | 'summary'>>> {
  try {
    return JSON.parse(await readFile(new URL(SUMMARIES_FILE, import.meta.url), 'utf8')) as Array<Pick<Command, 'name' | 'summary'>>;
  } catch {
    return loadAllCommands();
  }
}
