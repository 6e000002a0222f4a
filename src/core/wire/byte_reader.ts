/**
 * Reads little-endian fields from received bytes. As a ByteStream it is the reading side of a
 * message's serialize function: each call ignores the value it is given and returns what it read. Every read is bounds-checked: bytes from the
 * network are untrusted, and a short or inconsistent message must be dropped and counted, never crash.
 */

/** Received bytes that do not form a valid message (truncated, bad magic, inconsistent). */
export class MalformedError extends Error {}

import type { ByteStream } from './byte_stream.js';

const decoder = new TextDecoder();

export class ByteReader implements ByteStream {
  readonly reading = true;
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.data.length) throw new MalformedError(`truncated message: needs ${this.offset + n} bytes, has ${this.data.length}`);
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  u8(_value?: number): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  u16(_value?: number): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32(_value?: number): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(_value?: bigint): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  varint(_value?: number): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.u8();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new MalformedError('varint longer than 4 bytes');
  }

  bytesOf(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A field of `length` bytes. */
  bytes(_value: Uint8Array | undefined, length: number): Uint8Array {
    return this.bytesOf(length);
  }

  /** The rest of the message. */
  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** A string with a one-byte length prefix (short texts: reasons). */
  text(_value?: string): string {
    return decoder.decode(this.bytesOf(this.u8()));
  }

  /** A string with a varint length prefix. */
  longText(_value?: string): string {
    return decoder.decode(this.bytesOf(this.varint()));
  }

  /** Fail unless every byte was read: trailing garbage means a malformed message. */
  end(): void {
    if (this.remaining !== 0) throw new MalformedError(`${this.remaining} unexpected bytes at the end of the message`);
  }
}
