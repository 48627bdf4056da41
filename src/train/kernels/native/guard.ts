/**
 * The addon checks every offset and size it is given against the heap and throws a RangeError
 * (code DAPT_NATIVE_*) naming the kernel instead of writing out of bounds. Such a call is a bug in
 * dapt's own kernel wiring, so it surfaces as an InternalError that keeps the addon's message.
 */
import { InternalError } from '../../../errors.ts';

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
        if (typeof code === 'string' && code.startsWith('DAPT_NATIVE_')) throw new InternalError((e as Error).message, e);
        throw e;
      }
    };
  }
  return guarded as T;
}
