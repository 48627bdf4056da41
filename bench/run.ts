/**
 * `npm run bench [name…]`: runs every `bench/*.bench.ts` (or the named ones) in its own process,
 * one after another, so timings and peak memory do not disturb each other. Each benchmark prints
 * JSON lines on stdout; this runner passes them through unchanged.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));

let failed = 0;
for (const file of benches) {
  const result = await execa('node', ['--import', 'tsx', join(here, file)], { stdout: 'inherit', stderr: 'inherit', reject: false });
  if (result.exitCode !== 0) {
    failed += 1;
    console.log(JSON.stringify({ bench: file, error: `exited with ${result.exitCode}` }));
  }
}
process.exitCode = failed > 0 ? 1 : 0;
