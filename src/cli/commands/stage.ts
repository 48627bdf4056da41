/** `dapt stage <spec.json>`: run one stage in this process (started by `dapt run` or a cluster job). */
import { UsageError } from '../../errors.ts';
import { runStageProcess } from '../../execute/stage-process.ts';
import type { Command } from '../types.ts';

/** Leftover handles (TF.js thread pools) must not keep a finished stage process alive. */
const EXIT_GRACE_MS = 2000;

export const stage: Command = {
  name: 'stage',
  usage: 'stage <store>/stages/<key>/spec.json',
  summary: 'run one planned stage (what `dapt run` and cluster jobs start; not usually typed by hand)',
  options: {},
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one stage spec: dapt stage <store>/stages/<key>/spec.json');
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    const code = await runStageProcess(positionals[0]!, {
      print: (line) => io.stdout.write(`${new Date().toISOString()} ${line}\n`),
      env: io.env,
      onSignal(handler) {
        const listener = (signal: NodeJS.Signals) => handler(signal);
        for (const s of signals) process.on(s, listener);
        return () => {
          for (const s of signals) process.off(s, listener);
        };
      },
      exitNow: (c) => process.exit(c),
    });
    if (io.stdout === process.stdout) setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    return code;
  },
};
