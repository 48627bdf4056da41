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

/**
 * `load` is the module loader and `env` the environment TensorFlow reads (both replaceable in
 * tests). For the GPU binding, memory growth is turned on unless the user set it: by default
 * TensorFlow reserves nearly all of a GPU's memory when it opens the device. It reads the
 * variable then, so it is set before the binding loads. Not run here: no GPU where this was written.
 */
export async function loadNativeTensorflow(
  which: keyof typeof packages,
  load: (specifier: string) => Promise<unknown> = (s) => import(s),
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProbeResult> {
  const specifier: string = packages[which];
  if (which === 'tensorflow-gpu') env['TF_FORCE_GPU_ALLOW_GROWTH'] ??= 'true';
  try {
    await load(specifier);
    return { ok: true };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((e as Error).message).includes(specifier)) {
      return { ok: false, reason: `${specifier} is not installed` };
    }
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    return { ok: false, reason: `${specifier} could not be loaded (${first.slice(0, 160)})` };
  }
}

export function packageFor(which: keyof typeof packages): string {
  return packages[which];
}
