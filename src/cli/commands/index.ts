/**
 * The command table: name → loader. Commands are imported only when run, so a `dapt stage`
 * process does not pay for the report's charting libraries or the planner's schema compiler.
 * Add one line here per command; each command lives in its own module.
 */
import type { Command } from '../types.ts';

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
