/**
 * safetensors read/write, written by hand: the format is an 8-byte length, a JSON header and raw
 * little-endian tensor bytes, and no maintained npm package reads and writes it.
 * Spec: https://github.com/huggingface/safetensors (header keys, `data_offsets` relative to the
 * end of the header, optional `__metadata__` of string values).
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { DaptError } from '../../errors.ts';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function invalid(file: string, why: string): DaptError {
  return new DaptError('DAPT_CHECKPOINT_INVALID', `${file} is not a valid safetensors file: ${why}. Re-create or re-download it.`);
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decode(file: string, name: string, entry: HeaderEntry, bytes: Uint8Array): Float32Array {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  const width: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
  const w = width[entry.dtype];
  if (w === undefined) throw invalid(file, `tensor ${name} has dtype ${entry.dtype}; dapt reads F32, F16, BF16 and F64`);
  if (bytes.byteLength !== count * w) throw invalid(file, `tensor ${name} has ${bytes.byteLength} bytes for shape [${entry.shape}]`);
  if (entry.dtype === 'F32') {
    // copy (a Buffer's slice() is a view): the offset in the file need not be 4-byte aligned
    return new Float32Array(new Uint8Array(bytes).buffer);
  }
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let i = 0; i < count; i++) {
    if (entry.dtype === 'F64') out[i] = view.getFloat64(i * 8, true);
    else if (entry.dtype === 'F16') out[i] = f16ToF32(view.getUint16(i * 2, true));
    else {
      // bf16 is the upper half of an f32
      bits[0] = view.getUint16(i * 2, true) << 16;
      out[i] = asFloat[0]!;
    }
  }
  return out;
}

/** Reads every floating-point tensor of a safetensors file as float32. */
export function readSafetensors(file: string): { tensors: TensorMap; metadata: Record<string, string> } {
  const buf = readFileSync(file);
  if (buf.byteLength < 8) throw invalid(file, 'shorter than its 8-byte header length');
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.byteLength - 8) throw invalid(file, `header length ${headerLen} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw invalid(file, `header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const tensors: TensorMap = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const entry = raw as HeaderEntry;
    if (!Array.isArray(entry?.shape) || !Array.isArray(entry?.data_offsets)) throw invalid(file, `entry ${name} lacks shape or data_offsets`);
    const [begin, end] = entry.data_offsets;
    if (!(begin <= end && dataStart + end <= buf.byteLength)) throw invalid(file, `tensor ${name} lies outside the file`);
    if (entry.dtype === 'I64' || entry.dtype === 'I32' || entry.dtype === 'BOOL' || entry.dtype === 'U8') continue; // buffers such as position_ids
    const bytes = buf.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, { shape: entry.shape.slice(), data: decode(file, name, entry, bytes) });
  }
  return { tensors, metadata };
}

/** Writes float32 tensors (in the map's order) to `file` and fsyncs it. Callers write to a temp
 *  path and rename; see atomic-dir.ts. */
export function writeSafetensors(file: string, tensors: TensorMap, metadata: Record<string, string> = { format: 'pt' }): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new DaptError('DAPT_INTERNAL', `tensor ${name}: shape [${t.shape}] does not match ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so tensor data starts 8-byte aligned, as the reference writer does
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, len);
    writeSync(fd, headerBytes);
    for (const t of tensors.values()) {
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      // little-endian hosts only (x86, arm): float32 memory is already the on-disk layout
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
