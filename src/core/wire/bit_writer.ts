/**
 * Bit-packed output: values of any width up to 32 bits, least significant bit first, packed into
 * bytes with no padding between values (the last byte is padded with zeros). As a BitStream it is the
 * writing side of a message's layout (bit_stream.ts). Bits gather in a
 * 32-bit accumulator that is flushed four bytes at a time: this is the per-frame replication path.
 */
import type { BitCodec, BitStream } from './bit_stream.js';

export class BitWriter implements BitStream {
  readonly reading = false;
  private buffer: Uint8Array;
  private length = 0;
  /** Pending bits, least significant first; fewer than 32 between calls. */
  private acc = 0;
  private accBits = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(Math.max(4, capacity));
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 8 + this.accBits;
  }

  /** Write the low `bits` bits (0–32) of the non-negative integer `value`. */
  writeBits(value: number, bits: number): void {
    if (bits === 0) return;
    const v = bits === 32 ? value >>> 0 : (value & ((1 << bits) - 1)) >>> 0;
    const used = this.accBits;
    this.acc = (this.acc | (v << used)) >>> 0;
    if (used + bits < 32) {
      this.accBits = used + bits;
      return;
    }
    this.flushWord();
    // The bits that did not fit in the word start the next one.
    const fitted = 32 - used;
    this.acc = fitted === 32 ? 0 : v >>> fitted;
    this.accBits = bits - fitted;
  }

  private flushWord(): void {
    if (this.length + 4 > this.buffer.length) this.grow();
    const acc = this.acc;
    const b = this.buffer;
    const at = this.length;
    b[at] = acc & 0xff;
    b[at + 1] = (acc >>> 8) & 0xff;
    b[at + 2] = (acc >>> 16) & 0xff;
    b[at + 3] = acc >>> 24;
    this.length = at + 4;
  }

  /** Write `bits` bits held as 32-bit words, least significant first (what `words()` returns). */
  writeWords(words: Uint32Array, bits: number): void {
    let left = bits;
    for (let i = 0; left > 0; i++) {
      const n = left < 32 ? left : 32;
      this.writeBits(words[i]!, n);
      left -= n;
    }
  }

  /** What was written, as 32-bit words (the last one partial): in `into` when it is long enough. */
  words(into?: Uint32Array): Uint32Array {
    const count = (this.length >> 2) + (this.accBits > 0 ? 1 : 0);
    const out = into && into.length >= count ? into : new Uint32Array(count);
    const b = this.buffer;
    for (let i = 0; i < this.length >> 2; i++) out[i] = (b[4 * i]! | (b[4 * i + 1]! << 8) | (b[4 * i + 2]! << 16) | (b[4 * i + 3]! << 24)) >>> 0;
    if (this.accBits > 0) out[count - 1] = this.acc;
    return out;
  }

  /** Start over, keeping the buffer. */
  reset(): void {
    this.length = 0;
    this.acc = 0;
    this.accBits = 0;
  }

  bits(value: number, bits: number): number {
    this.writeBits(value, bits);
    return value;
  }

  gamma(value: number): number {
    this.writeGamma(value);
    return value;
  }

  u64(value: bigint): bigint {
    this.writeU64(value);
    return value;
  }

  value<T>(codec: BitCodec<T>, value: T): T {
    codec.encode(this, value);
    return value;
  }

  /** Write a 64-bit unsigned integer. */
  writeU64(value: bigint): void {
    this.writeBits(Number(value & 0xffffffffn), 32);
    this.writeBits(Number(value >> 32n), 32);
  }

  /** Elias-gamma code of n >= 1: small numbers in few bits (1 in 1 bit, 2–3 in 3, 4–7 in 5...). */
  writeGamma(n: number): void {
    const length = 32 - Math.clz32(n);
    // length - 1 zeros, then the leading 1 and the rest from the top, so the reader can stop at
    // the 1: n's bits reversed, after the zeros (one write when it fits a word).
    let reversed = 0;
    for (let bit = 0; bit < length; bit++) reversed = (reversed << 1) | ((n >>> bit) & 1);
    if (length <= 16) {
      this.writeBits(reversed << (length - 1), 2 * length - 1);
      return;
    }
    this.writeBits(0, length - 1);
    this.writeBits(reversed >>> 0, length);
  }

  private grow(): void {
    const grown = new Uint8Array(this.buffer.length * 2);
    grown.set(this.buffer);
    this.buffer = grown;
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    const tail = (this.accBits + 7) >> 3;
    const out = new Uint8Array(this.length + tail);
    out.set(this.buffer.subarray(0, this.length));
    for (let i = 0; i < tail; i++) out[this.length + i] = (this.acc >>> (8 * i)) & 0xff;
    return out;
  }
}
