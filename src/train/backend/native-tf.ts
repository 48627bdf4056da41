/**
 * Probes the libtensorflow bindings. They are optionalDependencies: absent when their install
 * failed (no internet, no CUDA), or present without their native addon when install scripts were
 * skipped, so ANY load error means "not available", with the reason kept for the user.
 */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

const packages = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export async function loadNativeTensorflow(which: keyof typeof packages): Promise<ProbeResult> {
  const specifier: string = packages[which];
  try {
    await import(specifier);
    return { ok: true };
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    return { ok: false, reason: `${specifier} could not be loaded (${first.slice(0, 160)})` };
  }
}

export function packageFor(which: keyof typeof packages): string {
  return packages[which];
}
