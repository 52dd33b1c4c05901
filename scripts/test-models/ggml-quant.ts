/** Encodings of ggml tensor types, in the layouts of ggml's reference quantizers. */

export type TensorType = 'f32' | 'q8_0';

/** ggml_type ids as stored in a GGUF tensor info. */
export const GGML_TYPE_ID: Record<TensorType, number> = { f32: 0, q8_0: 8 };

/** Q8_0 block: one f16 scale then 32 int8 values. */
export const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

export function tensorByteSize(type: TensorType, elements: number): number {
  switch (type) {
    case 'f32':
      return elements * 4;
    case 'q8_0':
      return (elements / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
  }
}

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/**
 * IEEE half-precision bits of x, rounded to nearest even like ggml's FP32_TO_FP16.
 * Node 20 has no Float16Array or Math.f16round, hence the bit twiddling.
 */
export function float32ToFloat16(x: number): number {
  f32View[0] = x;
  const bits = u32View[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, into place.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(mantissa, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** value >> shift, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** Writes `values` (length a multiple of 32) as Q8_0 blocks into `out` at `offset`. */
export function quantizeQ8_0(values: Float32Array, out: Buffer, offset: number): void {
  // Typed-array stores: Buffer.writeInt8 per value made a 270M-parameter model take 4x longer.
  const quants = new Int8Array(out.buffer, out.byteOffset, out.byteLength);
  for (let block = 0; block < values.length; block += Q8_0_BLOCK) {
    let amax = 0;
    for (let i = 0; i < Q8_0_BLOCK; i++) amax = Math.max(amax, Math.abs(values[block + i] ?? 0));
    // As in ggml: the int8 values use the f32 scale; only the stored scale is rounded to f16.
    const scale = Math.fround(amax / 127);
    const inverse = scale === 0 ? 0 : Math.fround(1 / scale);
    const at = offset + (block / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
    out.writeUInt16LE(float32ToFloat16(scale), at);
    for (let i = 0; i < Q8_0_BLOCK; i++) {
      // floor(x + 0.5) via an offset, branch-free: a sign test to round halves away from zero,
      // as ggml's roundf does, costs 3x on random signs. Only exact .5 ties below 0 differ.
      quants[at + 2 + i] = (((values[block + i] ?? 0) * inverse + 128.5) | 0) - 128;
    }
  }
}
