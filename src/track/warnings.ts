import type { Warn } from './types.ts';

/** Each distinct warning once per process (a renamed metric key would otherwise warn every step). */
export function warnOnce(sink: ((message: string) => void) | undefined): Warn {
  const seen = new Set<string>();
  const emit = sink ?? ((message: string) => process.emitWarning(message, { code: 'DAPT_TRACKING' }));
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    emit(message);
  };
}
