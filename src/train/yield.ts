/**
 * Training steps are synchronous TF.js calls, so a loop that only awaits resolved promises never
 * returns to the event loop and a SIGTERM/SIGINT handler (which aborts the run so it can
 * checkpoint) would not run until training ends. Loops await this once per step; it costs
 * microseconds next to a step.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
