import { DaptError } from '../../errors.ts';

export interface WasmAllocator {
  _malloc: (bytes: number) => number;
  asm?: { malloc?: (bytes: number) => number };
}

/**
 * The wasm heap stops at 4 GB, and then malloc returns 0, which the backend takes as an address
 * and writes over the start of the heap. Fail there instead, saying what to change.
 */
export function guardHeap(backend: { wasm: WasmAllocator }): void {
  // the raw export: Emscripten's `_malloc` stub replaces itself with it on first call
  const malloc = backend.wasm.asm?.malloc ?? backend.wasm._malloc;
  backend.wasm._malloc = (bytes: number) => {
    const address = malloc(bytes);
    if (address === 0 && bytes > 0) {
      throw new DaptError(
        'DAPT_STAGE_FAILED',
        `the wasm backend's memory (4 GB at most) is full while allocating ${Math.ceil(bytes / 2 ** 20)} MB; train with a smaller batch per step (gradient accumulation keeps the effective batch) or a shorter max_seq_length`,
      );
    }
    return address;
  };
}
