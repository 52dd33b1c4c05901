/** The byte reader under the GGUF header parser (`gguf-header.ts`): values, strings, skips. */
/** Bytes of each fixed-size GGUF value type (8 = string and 9 = array are variable). */
const VALUE_SIZES: Readonly<Record<number, number>> = {
  0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8,
}; // prettier-ignore
export const STRING = 8;
export const ARRAY = 9;

/** Thrown inside the parser when the prefix ends before `needed` bytes. */
export class OutOfBytes extends Error {
  constructor(readonly needed: number) {
    super(`the header continues past byte ${needed}`);
  }
}

/** Thrown inside the parser for bytes that cannot be a GGUF header. */
export class Damaged extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** Reads little-endian GGUF values from a prefix of the file; past its end is OutOfBytes. */
export class Cursor {
  offset = 0;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder();
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private take(length: number): number {
    const at = this.offset;
    if (at + length > this.bytes.length) throw new OutOfBytes(at + length);
    this.offset = at + length;
    return at;
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  /** A u64 as a number; lengths beyond 2^53 are far beyond any file and end as OutOfBytes. */
  u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  skip(length: number): void {
    this.take(length);
  }
  string(): string {
    const length = this.u64();
    const at = this.take(length);
    return this.decoder.decode(this.bytes.subarray(at, at + length));
  }
  /** A scalar value of `type`, as a number, string or boolean. */
  scalar(type: number): number | string | boolean {
    switch (type) {
      case 0: return this.view.getUint8(this.take(1));
      case 1: return this.view.getInt8(this.take(1));
      case 2: return this.view.getUint16(this.take(2), true);
      case 3: return this.view.getInt16(this.take(2), true);
      case 4: return this.u32();
      case 5: return this.view.getInt32(this.take(4), true);
      case 6: return this.view.getFloat32(this.take(4), true);
      case 7: return this.view.getUint8(this.take(1)) !== 0;
      case STRING: return this.string();
      case 10: return this.u64();
      case 11: return Number(this.view.getBigInt64(this.take(8), true));
      case 12: return this.view.getFloat64(this.take(8), true);
      default: throw new Damaged(`value type ${type} is not a GGUF type`);
    } // prettier-ignore
  }
  /** Steps over a value without decoding it: a vocabulary array of 150k strings is only walked. */
  skipValue(type: number): void {
    if (type === STRING) return this.skip(this.u64());
    if (type !== ARRAY) return void this.scalar(type);
    const itemType = this.u32();
    const count = this.u64();
    const size = VALUE_SIZES[itemType];
    if (size !== undefined) return this.skip(count * size);
    if (itemType !== STRING && itemType !== ARRAY) {
      throw new Damaged(`array item type ${itemType} is not a GGUF type`);
    }
    for (let i = 0; i < count; i++) this.skipValue(itemType);
  }
}
