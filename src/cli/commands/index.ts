/** The command table. Each command lives in its own module; add one line here per command. */
import type { Command } from '../types.ts';
import { gc } from './gc.ts';
import { overlap } from './overlap.ts';
import { plan } from './plan.ts';
import { report } from './report.ts';
import { run } from './run.ts';
import { stage } from './stage.ts';
import { status } from './status.ts';
import { sync } from './sync.ts';
import { validate } from './validate.ts';

export const commands: Command[] = [
  validate,
  plan,
  run,
  status,
  report,
  overlap,
  stage,
  gc,
  sync,
];
