/**
 * Bit-packed output: values of any width up to 32 bits, least significant bit first, packed
 * into bytes with no padding between values (the last byte is padded with zeros).
 */
export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  /** Bits not yet flushed to `buffer` (fewer than 8 between calls), as a number below 2^40. */
  private scratch = 0;
  private scratchBits = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 8 + this.scratchBits;
  }

  /** Write the low `bits` bits (0–32) of the non-negative integer `value`. */
  writeBits(value: number, bits: number): void {
    if (bits === 0) return;
    this.scratch += (bits === 32 ? value >>> 0 : (value >>> 0) % 2 ** bits) * 2 ** this.scratchBits;
    this.scratchBits += bits;
    while (this.scratchBits >= 8) {
      if (this.length === this.buffer.length) this.grow();
      this.buffer[this.length++] = this.scratch % 256;
      this.scratch = Math.floor(this.scratch / 256);
      this.scratchBits -= 8;
    }
  }

  /** Write a 64-bit unsigned integer. */
  writeU64(value: bigint): void {
    this.writeBits(Number(value & 0xffffffffn), 32);
    this.writeBits(Number(value >> 32n), 32);
  }

  /** Elias-gamma code of n >= 1: small numbers in few bits (1 in 1 bit, 2–3 in 3, 4–7 in 5...). */
  writeGamma(n: number): void {
    const length = 32 - Math.clz32(n);
    this.writeBits(0, length - 1);
    // The leading 1 first, then the rest from the top, so the reader can stop at the 1.
    for (let bit = length - 1; bit >= 0; bit--) this.writeBits((n >>> bit) & 1, 1);
  }

  private grow(): void {
    const grown = new Uint8Array(this.buffer.length * 2);
    grown.set(this.buffer);
    this.buffer = grown;
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length + (this.scratchBits > 0 ? 1 : 0));
    out.set(this.buffer.subarray(0, this.length));
    if (this.scratchBits > 0) out[this.length] = this.scratch;
    return out;
  }
}
