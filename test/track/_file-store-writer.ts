/**
 * Child process for the concurrency test: `node --import tsx _file-store-writer.ts STORE HANDLE_JSON LABEL STEPS`.
 * Creates its own run in experiment "race" (racing the other writer to create it) and logs STEPS
 * metric points to that run and to the shared run of HANDLE_JSON, flushing every few steps.
 */
import { openRunLogger, openTracking } from '../../src/track/index.ts';

const [storeDir, handleJson, label, stepsText] = process.argv.slice(2) as [string, string, string, string];
const quiet = { onWarning: (m: string) => process.stderr.write(`warning: ${m}\n`) };
const tracking = openTracking({ storeDir, env: {}, ...quiet });
const own = await tracking.startRun({ experiment: 'race', runName: `writer ${label}`, params: { label } });
const shared = openRunLogger(JSON.parse(handleJson), { env: {}, ...quiet });
const mine = openRunLogger(own, { env: {}, ...quiet });
for (let step = 0; step < Number(stepsText); step++) {
  shared.metrics(step, { loss: step + 0.25, [`writer_${label}`]: step });
  mine.metrics(step, { loss: step });
  if (step % 7 === 6) await Promise.all([shared.flush(), mine.flush()]);
}
await shared.flush();
await mine.finish('FINISHED');
process.stdout.write(JSON.stringify(own) + '\n');
