/**
 * Reads what BitWriter wrote. Reading past the end throws MalformedError: received bytes are
 * untrusted, and a short message is dropped and counted, never a crash.
 */
import { MalformedError } from './byte_reader.js';

export class BitReader {
  private offset = 0;
  private scratch = 0;
  private scratchBits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bits not read yet (including the last byte's padding). */
  get bitsLeft(): number {
    return (this.bytes.length - this.offset) * 8 + this.scratchBits;
  }

  /** Read `bits` (0–32) bits as a non-negative integer. */
  readBits(bits: number): number {
    while (this.scratchBits < bits) {
      if (this.offset >= this.bytes.length) throw new MalformedError(`message ends early: ${bits} more bits expected`);
      this.scratch += this.bytes[this.offset++]! * 2 ** this.scratchBits;
      this.scratchBits += 8;
    }
    const unit = 2 ** bits;
    const value = this.scratch % unit;
    this.scratch = Math.floor(this.scratch / unit);
    this.scratchBits -= bits;
    return value;
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
