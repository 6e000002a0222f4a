/** Writes little-endian fields into a buffer that grows as needed. */

const encoder = new TextEncoder();

export class ByteWriter {
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

  u8(v: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = v;
  }

  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.offset, v, true);
    this.offset += 2;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.offset, v, true);
    this.offset += 4;
  }

  u64(v: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.offset, v, true);
    this.offset += 8;
  }

  /** Up to 2^28 - 1, in 1–4 bytes of 7 bits each, low bits first. */
  varint(v: number): void {
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.u8(v);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.offset);
    this.offset += data.length;
  }

  /** A string with a one-byte length prefix, cut to 255 bytes (short texts: reasons). */
  text(s: string): void {
    const encoded = encoder.encode(s).subarray(0, 255);
    this.u8(encoded.length);
    this.bytes(encoded);
  }

  /** A string with a varint length prefix. */
  longText(s: string): void {
    const encoded = encoder.encode(s);
    this.varint(encoded.length);
    this.bytes(encoded);
  }

  done(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
  }
}
