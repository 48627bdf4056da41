/** Child process for crash tests: replays a store's outbox (`node --import tsx _sync-child.ts STORE URI`). */
import { openTracking } from '../../src/track/index.ts';

const [storeDir, uri] = process.argv.slice(2) as [string, string];
const tracking = openTracking({ storeDir, env: { MLFLOW_TRACKING_URI: uri }, retry: { retries: 0, baseDelayMs: 1, timeoutMs: 60_000 }, onWarning: () => undefined });
process.stdout.write(JSON.stringify(await tracking.sync()) + '\n');
