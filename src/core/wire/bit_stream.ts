/**
 * The bit-packed side of one-layout-per-message (see byte_stream.ts): a BitWriter writes each value
 * it is given and returns it, a BitReader ignores the value and returns what it read, a BitMeasurer
 * counts the bits. Values of a network type go through its codec (`value`).
 */
import { BitReader } from './bit_reader.js';
import { BitWriter } from './bit_writer.js';

/** How values of one type are coded: the network types of the config implement it. */
export interface BitCodec<T> {
  encode(w: BitWriter, value: T): void;
  decode(r: BitReader): T;
  bitsFor(value: T): number;
}

export interface BitStream {
  readonly reading: boolean;
  /** The low `bits` bits (0–32) of a non-negative integer. */
  bits(value: number, bits: number): number;
  /** An Elias-gamma coded integer >= 1. */
  gamma(value: number): number;
  u64(value: bigint): bigint;
  value<T>(codec: BitCodec<T>, value: T): T;
}

export type BitLayout<T> = (s: BitStream, message: T) => T;

/** Counts the bits a layout writes, without writing them. */
export class BitMeasurer implements BitStream {
  readonly reading = false;
  bitLength = 0;

  bits(value: number, bits: number): number {
    this.bitLength += bits;
    return value;
  }

  gamma(value: number): number {
    this.bitLength += 2 * (31 - Math.clz32(value)) + 1;
    return value;
  }

  u64(value: bigint): bigint {
    this.bitLength += 64;
    return value;
  }

  value<T>(codec: BitCodec<T>, value: T): T {
    this.bitLength += codec.bitsFor(value);
    return value;
  }
}

/** The bytes of `message` laid out by `layout` (the last byte padded with zero bits). */
export function writeBits<T>(layout: BitLayout<T>, message: T): Uint8Array {
  const w = new BitWriter();
  layout(w, message);
  return w.finish();
}

/** The message `layout` reads from `bytes`. */
export function readBits<T>(layout: BitLayout<T>, bytes: Uint8Array): T {
  return layout(new BitReader(bytes), {} as T);
}

/** Bits `layout` writes for `message`. */
export function measureBits<T>(layout: BitLayout<T>, message: T): number {
  const m = new BitMeasurer();
  layout(m, message);
  return m.bitLength;
}
