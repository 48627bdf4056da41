/**
 * Waiting on the file system's events instead of the clock: a loaded 2-core machine stretches
 * any fixed delay, while a change notification arrives whenever the change happens.
 */
import { watch } from 'node:fs';

/**
 * Resolves once `check()` holds, checking now and again after every change inside `dir` (which
 * must exist). `check` reads the state itself, so a coalesced or missed event only delays it to
 * the next change.
 */
export function untilChanged(dir: string, check: () => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    const watcher = watch(dir, () => void probe());
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      watcher.close();
      if (error === undefined) resolve();
      else reject(error);
    };
    watcher.on('error', finish);
    const probe = async (): Promise<void> => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          if (await check()) return finish();
        } while (again && !done);
      } catch (e) {
        finish(e);
      } finally {
        running = false;
      }
    };
    void probe();
  });
}
