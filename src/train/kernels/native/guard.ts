/**
 * The addon checks every offset and size it is given against the heap and throws a RangeError
 * (code DAPT_NATIVE_ARGUMENT) naming the kernel instead of writing out of bounds. Such a call is a
 * bug in dapt's own kernel wiring, so it surfaces as an InternalError keeping the addon's message.
 * A kernel that cannot allocate its scratch memory (DAPT_NATIVE_MEMORY) fails the stage instead.
 */
import { InternalError, StageFailedError } from '../../../errors.ts';

export function guardAddon<T extends object>(addon: T): T {
  const guarded: Record<string, unknown> = {};
  // the addon's functions are non-enumerable properties
  for (const name of Object.getOwnPropertyNames(addon)) {
    const fn = (addon as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    guarded[name] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'DAPT_NATIVE_ARGUMENT') throw new InternalError((e as Error).message, e);
        if (code === 'DAPT_NATIVE_MEMORY') throw new StageFailedError(`${(e as Error).message}; train with a smaller batch per step or a shorter max_seq_length`);
        throw e;
      }
    };
  }
  return guarded as T;
}
