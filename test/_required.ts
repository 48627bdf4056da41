/**
 * Skip or fail when an optional piece is missing. On a user's machine a test that needs the
 * native kernels, OpenBLAS, Slurm or the shared data skips, saying why; CI sets DAPT_TEST_REQUIRE=1
 * (.ci/run), where the same absence fails, so a green CI has really run them. Each piece a test
 * did run with is appended to the file named by DAPT_TEST_EXERCISED, which .ci/run prints.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import type { TestContext } from 'node:test';

export function fastPathsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DAPT_TEST_REQUIRE === '1';
}

/** Skips `t` with the reason, or fails it under DAPT_TEST_REQUIRE=1. */
export function skipOrFail(t: TestContext, what: string, why: string): void {
  if (fastPathsRequired()) assert.fail(`${what} is required here (DAPT_TEST_REQUIRE=1), but ${why}`);
  t.skip(`${what} not tested: ${why}`);
}

/** Records that a test ran with `what` (one line per piece; .ci/run prints them deduplicated). */
export function exercised(what: string): void {
  const file = process.env.DAPT_TEST_EXERCISED;
  if (file) appendFileSync(file, `${what}\n`);
}
