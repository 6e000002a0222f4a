/**
 * Writes little-endian fields into a buffer that grows as needed. As a ByteStream it is the writing
 * side of a message's serialize function: each call writes its value and returns it.
 */

import type { ByteStream } from './byte_stream.js';

const encoder = new TextEncoder();

export class ByteWriter implements ByteStream {
  readonly reading = false;
  private buffer: Uint8Array;
  private view: DataView;
  offset = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(n: number): void {
    if (this.offset + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.offset + n));
    grown.set(this.buffer.subarray(0, this.offset));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): number {
    this.reserve(1);
    this.buffer[this.offset++] = v;
    return v;
  }

  u16(v: number): number {
    this.reserve(2);
    this.view.setUint16(this.offset, v, true);
    this.offset += 2;
    return v;
  }

  u32(v: number): number {
    this.reserve(4);
    this.view.setUint32(this.offset, v, true);
    this.offset += 4;
    return v;
  }

  u64(v: bigint): bigint {
    this.reserve(8);
    this.view.setBigUint64(this.offset, v, true);
    this.offset += 8;
    return v;
  }

  /** Up to 2^28 - 1, in 1–4 bytes of 7 bits each, low bits first. */
  varint(v: number): number {
    let rest = v;
    while (rest >= 0x80) {
      this.u8((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    this.u8(rest);
    return v;
  }

  /** `data`, which must be `length` bytes long when a length is given (a fixed-size field). */
  bytes(data: Uint8Array, length = data.length): Uint8Array {
    if (data.length !== length) throw new RangeError(`a field of ${length} bytes given ${data.length}`);
    this.reserve(data.length);
    this.buffer.set(data, this.offset);
    this.offset += data.length;
    return data;
  }

  /** A string with a one-byte length prefix, cut to 255 bytes (short texts: reasons). */
  text(s: string): string {
    const encoded = encoder.encode(s).subarray(0, 255);
    this.u8(encoded.length);
    this.bytes(encoded);
    return s;
  }

  /** A string with a varint length prefix. */
  longText(s: string): string {
    const encoded = encoder.encode(s);
    this.varint(encoded.length);
    this.bytes(encoded);
    return s;
  }

  /** Start over, keeping the buffer. */
  reset(): void {
    this.offset = 0;
  }

  done(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
  }
}
