/**
 * Reads little-endian fields from received bytes. Every read is bounds-checked: bytes from the
 * network are untrusted, and a short or inconsistent message must be dropped and counted, never crash.
 */

/** Received bytes that do not form a valid message (truncated, bad magic, inconsistent). */
export class MalformedError extends Error {}

const decoder = new TextDecoder();

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new MalformedError(`truncated message: needs ${this.offset + n} bytes, has ${this.bytes.length}`);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  varint(): number {
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
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** The rest of the message. */
  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** A string with a one-byte length prefix (short texts: reasons). */
  text(): string {
    return decoder.decode(this.bytesOf(this.u8()));
  }

  /** A string with a varint length prefix. */
  longText(): string {
    return decoder.decode(this.bytesOf(this.varint()));
  }

  /** Fail unless every byte was read: trailing garbage means a malformed message. */
  end(): void {
    if (this.remaining !== 0) throw new MalformedError(`${this.remaining} unexpected bytes at the end of the message`);
  }
}
