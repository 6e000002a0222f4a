/**
 * One serialize function per message layout drives writing, reading and measuring it (yojimbo's
 * serialize functions): a ByteWriter writes each value it is given and returns it, a ByteReader
 * ignores the value and returns what it read, a ByteMeasurer counts the bytes. A layout is written
 * once, so its three uses cannot disagree.
 *
 *   const accept: ByteLayout<Accept> = (s, m) => ({ from: s.u64(m.from), salt: s.u32(m.salt) });
 *
 * While reading, the message a layout is given is an empty object: read every field from the
 * stream's answer, never from the message, and check `s.reading` where the two sides differ
 * (collections, checks that only a reader needs).
 */
import { ByteReader } from './byte_reader.js';
import { ByteWriter } from './byte_writer.js';

export interface ByteStream {
  /** Whether values come from the stream (reading) rather than from the message. */
  readonly reading: boolean;
  u8(value: number): number;
  u16(value: number): number;
  u32(value: number): number;
  u64(value: bigint): bigint;
  /** Up to 2^28 - 1, in 1–4 bytes. */
  varint(value: number): number;
  /** At most 255 bytes of UTF-8 after a one-byte length (longer texts are cut). */
  text(value: string): string;
  /** UTF-8 after a varint length. */
  longText(value: string): string;
  /** Exactly `length` bytes. */
  bytes(value: Uint8Array, length: number): Uint8Array;
}

/** How a message of type T is laid out on the wire: returns the message (read, or the one given). */
export type ByteLayout<T> = (s: ByteStream, message: T) => T;

const encoder = new TextEncoder();

/** Counts the bytes a layout writes, without writing them. */
export class ByteMeasurer implements ByteStream {
  readonly reading = false;
  size = 0;

  u8(v: number): number {
    this.size += 1;
    return v;
  }

  u16(v: number): number {
    this.size += 2;
    return v;
  }

  u32(v: number): number {
    this.size += 4;
    return v;
  }

  u64(v: bigint): bigint {
    this.size += 8;
    return v;
  }

  varint(v: number): number {
    this.size += varintSize(v);
    return v;
  }

  text(v: string): string {
    this.size += 1 + Math.min(255, encoder.encode(v).length);
    return v;
  }

  longText(v: string): string {
    const length = encoder.encode(v).length;
    this.size += varintSize(length) + length;
    return v;
  }

  bytes(v: Uint8Array, length: number): Uint8Array {
    this.size += length;
    return v;
  }
}

/** Bytes of `v` as a varint. */
export function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

/** The bytes of `message` laid out by `layout`. */
export function writeMessage<T>(layout: ByteLayout<T>, message: T): Uint8Array {
  const w = new ByteWriter(measureMessage(layout, message));
  layout(w, message);
  return w.done();
}

/** The message `layout` reads from `source`; with `whole`, bytes left over make it malformed. */
export function readMessage<T>(layout: ByteLayout<T>, source: ByteReader | Uint8Array, whole = true): T {
  const r = source instanceof ByteReader ? source : new ByteReader(source);
  const message = layout(r, {} as T);
  if (whole) r.end();
  return message;
}

/** Bytes `layout` writes for `message`. */
export function measureMessage<T>(layout: ByteLayout<T>, message: T): number {
  const m = new ByteMeasurer();
  layout(m, message);
  return m.size;
}

/** A string map as a varint count, then each key and value as long texts. */
export function serializeTextMap(s: ByteStream, map: ReadonlyMap<string, string> | undefined): Map<string, string> {
  if (!s.reading) {
    s.varint(map!.size);
    for (const [key, value] of map!) {
      s.longText(key);
      s.longText(value);
    }
    return map as Map<string, string>;
  }
  const read = new Map<string, string>();
  for (let n = s.varint(0); n > 0; n--) read.set(s.longText(''), s.longText(''));
  return read;
}

/** A list as a varint count, then each item by `item`. */
export function serializeList<T>(s: ByteStream, items: readonly T[] | undefined, item: (s: ByteStream, value: T) => T): T[] {
  const count = s.varint(items?.length ?? 0);
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(item(s, s.reading ? (undefined as T) : items![i]!));
  return out;
}

/** The bytes left in the message (a body another layer reads): always the last field. */
export function serializeRest(s: ByteStream, body: Uint8Array | undefined): Uint8Array {
  return s instanceof ByteReader ? s.rest() : s.bytes(body!, body!.length);
}
