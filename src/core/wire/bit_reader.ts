/**
 * Reads what BitWriter wrote (as a BitStream: the reading side of a message's layout, bit_stream.ts). Reading past the end throws MalformedError: received bytes are
 * untrusted, and a short message is dropped and counted, never a crash.
 */
import type { BitCodec, BitStream } from './bit_stream.js';
import { MalformedError } from './byte_reader.js';

export class BitReader implements BitStream {
  readonly reading = true;
  private offset = 0;
  /** Bits loaded but not read, least significant first. */
  private acc = 0;
  private accBits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bits not read yet (including the last byte's padding). */
  get bitsLeft(): number {
    return (this.bytes.length - this.offset) * 8 + this.accBits;
  }

  /** Read `bits` (0–32) bits as a non-negative integer. */
  readBits(bits: number): number {
    const have = this.accBits;
    if (bits <= have) {
      const value = bits === 32 ? this.acc : this.acc & ((1 << bits) - 1);
      this.acc = bits === 32 ? 0 : this.acc >>> bits;
      this.accBits = have - bits;
      return value >>> 0;
    }
    // Load the next (up to) four bytes and take the missing bits from them.
    const b = this.bytes;
    const at = this.offset;
    const available = Math.min(4, b.length - at);
    if (have + available * 8 < bits) throw new MalformedError(`message ends early: ${bits} more bits expected, ${have + available * 8} left`);
    let word = 0;
    for (let i = 0; i < available; i++) word |= b[at + i]! << (8 * i);
    word >>>= 0;
    this.offset = at + available;
    const need = bits - have;
    const low = need === 32 ? word : word & ((1 << need) - 1);
    const value = have === 0 ? low : (this.acc | (low << have)) >>> 0;
    this.acc = need === 32 ? 0 : word >>> need;
    this.accBits = available * 8 - need;
    return value >>> 0;
  }

  bits(_value: number | undefined, bits: number): number {
    return this.readBits(bits);
  }

  gamma(_value?: number): number {
    return this.readGamma();
  }

  u64(_value?: bigint): bigint {
    return this.readU64();
  }

  value<T>(codec: BitCodec<T>, _value?: T): T {
    return codec.decode(this);
  }

  readU64(): bigint {
    const low = BigInt(this.readBits(32));
    return (BigInt(this.readBits(32)) << 32n) | low;
  }

  readGamma(): number {
    let zeros = 0;
    while (this.readBits(1) === 0) {
      if (++zeros > 31) throw new MalformedError('a gamma-coded number longer than 32 bits');
    }
    let n = 1;
    for (let i = 0; i < zeros; i++) n = n * 2 + this.readBits(1);
    return n;
  }
}
