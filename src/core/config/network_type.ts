/**
 * The value types of a `.network_config`, each with its bit-packed codec.
 *
 * Values in TypeScript (what the Lua bindings convert to and from):
 *   int, float            number
 *   bool                  boolean
 *   string                string
 *   int64, uint64         lowercase hex string ("0" is none; peer ids, lobby ids, hashes)
 *   idstring32/64, resource_id   lowercase hex string of the hash (a name given instead is hashed)
 *   vector3               [x, y, z]          quaternion   [x, y, z, w]
 *   array                 an array of element values
 *
 * Every value costs exactly its type's bits on the wire (arrays and strings: a length prefix, then
 * the contents). `check` refuses what the type cannot carry (out of range, wrong kind, too long)
 * instead of wrapping; `quantize` gives the value exactly as the receiver will decode it.
 */
import type { BitReader } from '../wire/bit_reader.js';
import type { BitWriter } from '../wire/bit_writer.js';
import { MalformedError } from '../wire/byte_reader.js';
import { murmurHash64 } from '../wire/murmur_hash.js';

/**
 * A vector3 value: x, y, z.
 *
 * @category Config
 */
export type Vector3Value = readonly [number, number, number];
/**
 * A quaternion value: x, y, z, w.
 *
 * @category Config
 */
export type QuaternionValue = readonly [number, number, number, number];
/**
 * A value a network type carries: numbers (int, float), 64-bit ids as hex strings, booleans,
 * strings, vector3s, quaternions, and arrays of those.
 *
 * @category Config
 */
export type WireValue = number | boolean | string | Vector3Value | QuaternionValue | readonly WireValue[];

/**
 * The kinds of value type a config may declare.
 *
 * @category Config
 */
export type TypeKind = 'int' | 'int64' | 'uint64' | 'float' | 'vector3' | 'quaternion' | 'bool' | 'string' | 'idstring32' | 'idstring64' | 'resource_id' | 'array';
export const TYPE_KINDS: readonly TypeKind[] = ['int', 'int64', 'uint64', 'float', 'vector3', 'quaternion', 'bool', 'string', 'idstring32', 'idstring64', 'resource_id', 'array'];

/** A value a type refuses; the message names the type and the value. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/**
 * A value type's settings, as `Network.type_info` reports them.
 *
 * @category Config
 */
export interface TypeInfo {
  /** The kind of value. */
  readonly type: TypeKind;
  /** Smallest value (numbers, vector3 components). */
  readonly min?: number;
  /** Largest value (numbers, vector3 components). */
  readonly max?: number;
  /** Bits per value (per component) on the wire. */
  readonly bits?: number;
  /** Changes smaller than this are not sent. */
  readonly tolerance?: number;
  /** Arrays: the most elements. */
  readonly max_size?: number;
  /** Arrays: the element type's name. */
  readonly element?: string;
}

/** Strings longer than this many bytes do not travel. */
export const MAX_STRING_BYTES = 65535;
/** Float bits when a type gives none: a full single-precision float. */
const FULL_FLOAT = 32;

/**
 * A value type of the config: checks values and quantizes them to what the wire delivers.
 *
 * @category Config
 */
export abstract class NetworkType {
  /** Position in the config's type list (`Network.type_index`). */
  index = -1;
  /** The config's `interpolated` and `interpolation_threshold`: reported by Network.type_info, not applied headless. */
  interpolated = false;
  /** The config's `interpolation_threshold`, if given. */
  interpolationThreshold: number | undefined;

  /** @internal */
  constructor(
    /** The type's name in the config. */
    readonly name: string,
    /** The kind of value. */
    readonly kind: TypeKind,
  ) {}

  /** The type's settings. */
  abstract get info(): TypeInfo;
  /** Bits on the wire when every value costs the same; undefined for strings and arrays. */
  abstract get bits(): number | undefined;
  /** Accept a value or throw ValueError naming this type and the value. */
  abstract check(value: unknown): WireValue;
  /** The value as the wire delivers it (a checked value). */
  abstract quantize(value: WireValue): WireValue;
  /** @internal */
  abstract encode(w: BitWriter, value: WireValue): void;
  /** @internal */
  abstract decode(r: BitReader): WireValue;

  /** @internal */
  bitsFor(value: WireValue): number {
    void value;
    return this.bits!;
  }

  /** Whether two quantized values are the same for replication (within the type's tolerance). */
  equalWithinTolerance(a: WireValue, b: WireValue): boolean {
    return a === b;
  }

  /** @internal How values travel as integer codes, for types whose values do (else undefined). */
  get codes(): ValueCodes | undefined {
    return undefined;
  }

  protected refuse(value: unknown, why: string): never {
    throw new ValueError(`type '${this.name}' (${this.kind}): ${describe(value)} ${why}`);
  }
}

/** @internal The most codes a value has (a quaternion's four). */
export const MAX_VALUE_CODES = 4;

/**
 * @internal
 * Values that travel as integer codes (grid indices): a game object works out a value's codes
 * once, when the value is set, and keeps them beside it for every message that carries it.
 */
export interface ValueCodes {
  /** Codes per value. */
  readonly count: number;
  /** Write the codes of `value` (quantized or not) at `codes[at]`. */
  write(value: WireValue, codes: Int32Array, at: number): void;
  /** The quantized value the codes at `codes[at]` stand for. */
  valueOf(codes: Int32Array, at: number): WireValue;
  /** Write the codes at `codes[at]` to the wire: the bits `encode` writes for their value. */
  encode(w: BitWriter, codes: Int32Array, at: number): void;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length > 8 ? `an array of ${value.length}` : `[${value.map(describe).join(', ')}]`;
  if (value === undefined) return 'nil';
  return String(value);
}

function bitsForRange(span: number): number {
  return span <= 0 ? 0 : Math.ceil(Math.log2(span + 1));
}

// ---- integers -----------------------------------------------------------------------------------

export class IntType extends NetworkType {
  readonly bits: number;

  constructor(
    name: string,
    readonly min: number,
    readonly max: number,
    bits: number | undefined,
  ) {
    super(name, 'int');
    this.bits = bits ?? bitsForRange(max - min);
  }

  get info(): TypeInfo {
    return { type: 'int', min: this.min, max: this.max, bits: this.bits };
  }

  check(value: unknown): number {
    if (typeof value !== 'number') this.refuse(value, 'is not a number');
    if (!Number.isInteger(value)) this.refuse(value, 'is not an integer');
    if (value < this.min || value > this.max) this.refuse(value, `is out of range ${this.min}..${this.max}`);
    return value;
  }

  quantize(value: WireValue): number {
    return value as number;
  }

  encode(w: BitWriter, value: WireValue): void {
    const offset = (value as number) - this.min;
    if (this.bits <= 32) w.writeBits(offset, this.bits);
    else {
      w.writeBits(offset % 2 ** 32, 32);
      w.writeBits(Math.floor(offset / 2 ** 32), this.bits - 32);
    }
  }

  decode(r: BitReader): number {
    const offset = this.bits <= 32 ? r.readBits(this.bits) : r.readBits(32) + r.readBits(this.bits - 32) * 2 ** 32;
    // The bits may hold more than the range: a value beyond max was never encoded.
    if (offset > this.max - this.min) throw new MalformedError(`type '${this.name}': ${this.min + offset} out of range ${this.min}..${this.max}`);
    return this.min + offset;
  }
}

/** 64-bit ids and hashes, as lowercase hex text. */
export class HexIdType extends NetworkType {
  constructor(
    name: string,
    kind: 'int64' | 'uint64' | 'idstring32' | 'idstring64' | 'resource_id',
    readonly bits: 32 | 64,
  ) {
    super(name, kind);
  }

  get info(): TypeInfo {
    return { type: this.kind, bits: this.bits };
  }

  check(value: unknown): string {
    const digits = this.bits / 4;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) this.refuse(value, 'is not a non-negative integer id');
      if (this.bits === 32 && value > 0xffffffff) this.refuse(value, 'does not fit in 32 bits');
      return value.toString(16);
    }
    if (typeof value !== 'string') this.refuse(value, 'is not an id (a hex string or a number)');
    const hex = value.startsWith('0x') ? value.slice(2) : value;
    if (new RegExp(`^[0-9a-fA-F]{1,${digits}}$`).test(hex)) return BigInt('0x' + hex).toString(16);
    if (this.kind === 'int64' || this.kind === 'uint64') this.refuse(value, `is not a ${this.bits}-bit hex id`);
    // An id string given by name: hashed as the engine hashes names.
    const hash = murmurHash64(new TextEncoder().encode(value));
    return (this.bits === 32 ? hash >> 32n : hash).toString(16);
  }

  quantize(value: WireValue): string {
    return value as string;
  }

  encode(w: BitWriter, value: WireValue): void {
    const id = BigInt('0x' + (value as string));
    if (this.bits === 32) w.writeBits(Number(id), 32);
    else w.writeU64(id);
  }

  decode(r: BitReader): string {
    return (this.bits === 32 ? BigInt(r.readBits(32)) : r.readU64()).toString(16);
  }
}

export class BoolType extends NetworkType {
  readonly bits = 1;

  constructor(name: string) {
    super(name, 'bool');
  }

  get info(): TypeInfo {
    return { type: 'bool', bits: 1 };
  }

  check(value: unknown): boolean {
    if (typeof value !== 'boolean') this.refuse(value, 'is not a boolean');
    return value;
  }

  quantize(value: WireValue): boolean {
    return value as boolean;
  }

  encode(w: BitWriter, value: WireValue): void {
    w.writeBits(value ? 1 : 0, 1);
  }

  decode(r: BitReader): boolean {
    return r.readBits(1) === 1;
  }
}

// ---- floats ---------------------------------------------------------------------------------------

/**
 * A number in [min, max] in `bits` bits, or a full 32-bit float. The grid has 2^bits - 1 steps
 * across the range; when the range spans zero the grid passes through zero, so 0 (and values
 * scripts reset to 0) arrive exactly.
 */
class Quantizer {
  readonly step: number;
  private readonly inverseStep: number;
  private readonly origin: number;
  /** Grid index of the lowest and highest value in range. */
  private readonly low: number;
  private readonly high: number;

  constructor(
    readonly min: number,
    readonly max: number,
    readonly bits: number,
  ) {
    const full = bits >= FULL_FLOAT;
    this.step = full ? 0 : (max - min) / (2 ** bits - 1);
    this.inverseStep = this.step === 0 ? 0 : 1 / this.step;
    this.origin = min < 0 && max > 0 ? 0 : min;
    this.low = full || this.step === 0 ? 0 : Math.ceil((min - this.origin) / this.step - 1e-9);
    this.high = full || this.step === 0 ? 0 : Math.floor((max - this.origin) / this.step + 1e-9);
  }

  inRange(v: number): boolean {
    return v >= this.min && v <= this.max;
  }

  private index(v: number): number {
    const i = Math.round((v - this.origin) * this.inverseStep);
    return i < this.low ? this.low : i > this.high ? this.high : i;
  }

  /** The grid value of index `i`, kept in range: at the ends, rounding can step just outside it. */
  private valueAt(i: number): number {
    const v = this.origin + i * this.step;
    return v < this.min ? this.min : v > this.max ? this.max : v;
  }

  /** The float32 nearest `v` that is still in range, so a received value can be sent again. */
  private float32(v: number): number {
    const f = Math.fround(v);
    if (f > this.max) return nextFloat32(f, false);
    if (f < this.min) return nextFloat32(f, true);
    return f;
  }

  quantize(v: number): number {
    if (this.bits >= FULL_FLOAT) return this.float32(v);
    if (this.step === 0) return this.min;
    return this.valueAt(this.index(v));
  }

  /** Whether values travel as codes on a grid (not as float32 bit patterns, nor as nothing). */
  get gridded(): boolean {
    return this.bits < FULL_FLOAT && this.step !== 0;
  }

  /** A gridded value's code, 0 .. 2^bits - 1. */
  code(v: number): number {
    return this.index(v) - this.low;
  }

  /** The value of a gridded code; codes past the range's end give its end. */
  valueOf(code: number): number {
    return this.valueAt(Math.min(this.high, this.low + code));
  }

  encode(w: BitWriter, v: number): void {
    if (this.bits >= FULL_FLOAT) {
      float32Scratch[0] = this.float32(v);
      w.writeBits(float32Bits[0]!, 32);
    } else {
      w.writeBits(this.step === 0 ? 0 : this.code(v), this.bits);
    }
  }

  decode(r: BitReader): number {
    if (this.bits >= FULL_FLOAT) {
      float32Bits[0] = r.readBits(32);
      const f = float32Scratch[0]!;
      if (!this.inRange(f)) throw new MalformedError(`float ${f} out of range ${this.min}..${this.max}`);
      return f;
    }
    const code = r.readBits(this.bits);
    if (this.step === 0) return this.min;
    return this.valueOf(code);
  }
}

const float32Scratch = new Float32Array(1);
const float32Bits = new Uint32Array(float32Scratch.buffer);

/** The float32 next to the float32 `f`, upwards or downwards. */
function nextFloat32(f: number, up: boolean): number {
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  float32Scratch[0] = f;
  float32Bits[0] = float32Bits[0]! + ((f > 0) === up ? 1 : -1);
  return float32Scratch[0]!;
}

export class FloatType extends NetworkType {
  private readonly q: Quantizer;

  constructor(
    name: string,
    readonly min: number,
    readonly max: number,
    bits: number | undefined,
    readonly tolerance: number,
  ) {
    super(name, 'float');
    this.q = new Quantizer(min, max, bits ?? FULL_FLOAT);
  }

  get bits(): number {
    return this.q.bits;
  }

  get info(): TypeInfo {
    return { type: 'float', min: this.min, max: this.max, bits: this.q.bits, tolerance: this.tolerance };
  }

  check(value: unknown): number {
    if (typeof value !== 'number' || Number.isNaN(value)) this.refuse(value, 'is not a number');
    if (!this.q.inRange(value)) this.refuse(value, `is out of range ${this.min}..${this.max}`);
    return value;
  }

  quantize(value: WireValue): number {
    return this.q.quantize(value as number);
  }

  encode(w: BitWriter, value: WireValue): void {
    this.q.encode(w, value as number);
  }

  decode(r: BitReader): number {
    return this.q.decode(r);
  }

  override equalWithinTolerance(a: WireValue, b: WireValue): boolean {
    return Math.abs((a as number) - (b as number)) <= this.tolerance;
  }
}

export class Vector3Type extends NetworkType {
  private readonly q: Quantizer;
  private readonly valueCodes: Vector3Codes | undefined;

  constructor(
    name: string,
    readonly min: number,
    readonly max: number,
    bits: number | undefined,
    readonly tolerance: number,
  ) {
    super(name, 'vector3');
    this.q = new Quantizer(min, max, bits ?? FULL_FLOAT);
    this.valueCodes = this.q.gridded ? new Vector3Codes(this.q) : undefined;
  }

  /** @internal Per component, its grid index (framable types). */
  override get codes(): ValueCodes | undefined {
    return this.valueCodes;
  }

  get bits(): number {
    return this.q.bits * 3;
  }

  get info(): TypeInfo {
    return { type: 'vector3', min: this.min, max: this.max, bits: this.q.bits, tolerance: this.tolerance };
  }

  check(value: unknown): Vector3Value {
    if (!Array.isArray(value) || value.length !== 3 || !value.every((c) => typeof c === 'number' && !Number.isNaN(c))) this.refuse(value, 'is not a Vector3');
    if (!value.every((c: number) => this.q.inRange(c))) this.refuse(value, `has a component out of range ${this.min}..${this.max}`);
    return value as unknown as Vector3Value;
  }

  quantize(value: WireValue): Vector3Value {
    const [x, y, z] = value as Vector3Value;
    return [this.q.quantize(x), this.q.quantize(y), this.q.quantize(z)];
  }

  encode(w: BitWriter, value: WireValue): void {
    // Indexed, not for-of: the iterator is not optimized away on this per-frame path.
    const v = value as Vector3Value;
    this.q.encode(w, v[0]);
    this.q.encode(w, v[1]);
    this.q.encode(w, v[2]);
  }

  decode(r: BitReader): Vector3Value {
    return [this.q.decode(r), this.q.decode(r), this.q.decode(r)];
  }

  /**
   * Vectors on a grid can be framed: in an update message the values of one Vector3 type share,
   * per component, a lowest code and a width (see object_replicator.ts). One range serves all
   * three components in a config, while a level is usually much flatter than it is wide.
   * Codes are grid indices, 0 .. 2^componentBits - 1.
   */
  get framable(): boolean {
    return this.q.gridded;
  }

  /** Bits of one component's code. */
  get componentBits(): number {
    return this.q.bits;
  }

  override equalWithinTolerance(a: WireValue, b: WireValue): boolean {
    const va = a as Vector3Value;
    const vb = b as Vector3Value;
    const t = this.tolerance;
    return Math.abs(va[0] - vb[0]) <= t && Math.abs(va[1] - vb[1]) <= t && Math.abs(va[2] - vb[2]) <= t;
  }
}

/**
 * Rotations, smallest-three encoded: the index of the largest component (2 bits), then the other
 * three in [-1/sqrt(2), 1/sqrt(2)] with `bits` each; the largest is rebuilt from unit length.
 */
/** A gridded Vector3's codes: per component, its grid index. */
class Vector3Codes implements ValueCodes {
  readonly count = 3;

  constructor(private readonly grid: Quantizer) {}

  write(value: WireValue, codes: Int32Array, at: number): void {
    const v = value as Vector3Value;
    codes[at] = this.grid.code(v[0]);
    codes[at + 1] = this.grid.code(v[1]);
    codes[at + 2] = this.grid.code(v[2]);
  }

  valueOf(codes: Int32Array, at: number): Vector3Value {
    return [this.grid.valueOf(codes[at]!), this.grid.valueOf(codes[at + 1]!), this.grid.valueOf(codes[at + 2]!)];
  }

  encode(w: BitWriter, codes: Int32Array, at: number): void {
    const bits = this.grid.bits;
    w.writeBits(codes[at]!, bits);
    w.writeBits(codes[at + 1]!, bits);
    w.writeBits(codes[at + 2]!, bits);
  }
}

export class QuaternionType extends NetworkType {
  private readonly q: Quantizer;
  private readonly valueCodes: QuaternionCodes | undefined;

  constructor(
    name: string,
    bits: number | undefined,
    readonly tolerance: number,
  ) {
    super(name, 'quaternion');
    this.q = new Quantizer(-Math.SQRT1_2, Math.SQRT1_2, bits ?? 16);
    this.valueCodes = this.q.gridded ? new QuaternionCodes(this.q) : undefined;
  }

  /** @internal The smallest-three form: the largest component's index, then the other three's grid indices. */
  override get codes(): ValueCodes | undefined {
    return this.valueCodes;
  }

  get bits(): number {
    return 2 + this.q.bits * 3;
  }

  get info(): TypeInfo {
    return { type: 'quaternion', bits: this.q.bits, tolerance: this.tolerance };
  }

  check(value: unknown): QuaternionValue {
    if (!Array.isArray(value) || value.length !== 4 || !value.every((c) => typeof c === 'number' && Number.isFinite(c))) this.refuse(value, 'is not a Quaternion');
    const length = Math.hypot(...(value as number[]));
    if (length < 1e-6) this.refuse(value, 'is not a rotation (zero length)');
    return value as unknown as QuaternionValue;
  }

  /** Unit length, largest component positive (q and -q are the same rotation), each component on the grid. */
  quantize(value: WireValue): QuaternionValue {
    const three = smallestThree(value as QuaternionValue);
    const grid = this.q;
    return rebuild(three[0]!, grid.quantize(three[1]!), grid.quantize(three[2]!), grid.quantize(three[3]!));
  }

  encode(w: BitWriter, value: WireValue): void {
    const three = smallestThree(value as QuaternionValue);
    w.writeBits(three[0]!, 2);
    const grid = this.q;
    grid.encode(w, three[1]!);
    grid.encode(w, three[2]!);
    grid.encode(w, three[3]!);
  }

  decode(r: BitReader): QuaternionValue {
    const largest = r.readBits(2);
    const grid = this.q;
    const a = grid.decode(r);
    const b = grid.decode(r);
    return rebuild(largest, a, b, grid.decode(r));
  }

  override equalWithinTolerance(a: WireValue, b: WireValue): boolean {
    const qa = a as QuaternionValue;
    const qb = b as QuaternionValue;
    // q and -q are one rotation: compare through the dot product.
    const dot = Math.abs(qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3]);
    return 1 - Math.min(1, dot) <= this.tolerance;
  }
}

/** A gridded quaternion's codes: the index of its largest component, then the other three's grid indices. */
class QuaternionCodes implements ValueCodes {
  readonly count = 4;

  constructor(private readonly grid: Quantizer) {}

  write(value: WireValue, codes: Int32Array, at: number): void {
    const three = smallestThree(value as QuaternionValue);
    codes[at] = three[0]!;
    codes[at + 1] = this.grid.code(three[1]!);
    codes[at + 2] = this.grid.code(three[2]!);
    codes[at + 3] = this.grid.code(three[3]!);
  }

  valueOf(codes: Int32Array, at: number): QuaternionValue {
    const grid = this.grid;
    return rebuild(codes[at]!, grid.valueOf(codes[at + 1]!), grid.valueOf(codes[at + 2]!), grid.valueOf(codes[at + 3]!));
  }

  encode(w: BitWriter, codes: Int32Array, at: number): void {
    const bits = this.grid.bits;
    w.writeBits(codes[at]!, 2);
    w.writeBits(codes[at + 1]!, bits);
    w.writeBits(codes[at + 2]!, bits);
    w.writeBits(codes[at + 3]!, bits);
  }
}

/** What `smallestThree` returns, reused. */
const smallestThreeScratch = new Float64Array(4);

/**
 * The smallest-three form of `q`: the index of its largest component (the first of equals), then
 * the other three in order, scaled to unit length with that component positive and kept within
 * ±1/√2 (where the three smaller components of a unit quaternion lie).
 */
function smallestThree(q: QuaternionValue): Float64Array {
  // Plain locals, no destructuring: this runs for every rotation sent.
  const x = q[0];
  const y = q[1];
  const z = q[2];
  const w = q[3];
  let largest = 0;
  let size = Math.abs(x);
  if (Math.abs(y) > size) {
    largest = 1;
    size = Math.abs(y);
  }
  if (Math.abs(z) > size) {
    largest = 2;
    size = Math.abs(z);
  }
  if (Math.abs(w) > size) largest = 3;
  const big = largest === 0 ? x : largest === 1 ? y : largest === 2 ? z : w;
  const scale = (big < 0 ? -1 : 1) / Math.sqrt(x * x + y * y + z * z + w * w);
  const three = smallestThreeScratch;
  three[0] = largest;
  three[1] = clampSmall((largest === 0 ? y : x) * scale);
  three[2] = clampSmall((largest <= 1 ? z : y) * scale);
  three[3] = clampSmall((largest <= 2 ? w : z) * scale);
  return three;
}

function clampSmall(c: number): number {
  return c < -Math.SQRT1_2 ? -Math.SQRT1_2 : c > Math.SQRT1_2 ? Math.SQRT1_2 : c;
}

/** The quaternion from its three smaller components (in order) and the index of the largest. */
function rebuild(largest: number, a: number, b: number, c: number): QuaternionValue {
  const big = Math.sqrt(Math.max(0, 1 - a * a - b * b - c * c));
  switch (largest) {
    case 0:
      return [big, a, b, c];
    case 1:
      return [a, big, b, c];
    case 2:
      return [a, b, big, c];
    default:
      return [a, b, c, big];
  }
}

// ---- variable size --------------------------------------------------------------------------------

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 text: a 16-bit byte count, then the bytes. */
export class StringType extends NetworkType {
  constructor(name: string) {
    super(name, 'string');
  }

  get bits(): undefined {
    return undefined;
  }

  get info(): TypeInfo {
    return { type: 'string' };
  }

  check(value: unknown): string {
    if (typeof value !== 'string') this.refuse(value, 'is not a string');
    if (Buffer.byteLength(value) > MAX_STRING_BYTES) this.refuse(`${value.slice(0, 20)}...`, `is longer than ${MAX_STRING_BYTES} bytes`);
    return value;
  }

  quantize(value: WireValue): string {
    return value as string;
  }

  override bitsFor(value: WireValue): number {
    return 16 + Buffer.byteLength(value as string) * 8;
  }

  encode(w: BitWriter, value: WireValue): void {
    const bytes = encoder.encode(value as string);
    w.writeBits(bytes.length, 16);
    for (const byte of bytes) w.writeBits(byte, 8);
  }

  decode(r: BitReader): string {
    const length = r.readBits(16);
    if (length * 8 > r.bitsLeft) throw new MalformedError(`string of ${length} bytes in a message with ${r.bitsLeft} bits left`);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = r.readBits(8);
    return decoder.decode(bytes);
  }
}

/** Up to `maxSize` elements: a length sized by max_size, then each element. */
export class ArrayType extends NetworkType {
  readonly lengthBits: number;

  constructor(
    name: string,
    readonly element: NetworkType,
    readonly maxSize: number,
  ) {
    super(name, 'array');
    this.lengthBits = bitsForRange(maxSize);
  }

  get bits(): undefined {
    return undefined;
  }

  get info(): TypeInfo {
    return { type: 'array', max_size: this.maxSize, element: this.element.name, bits: this.element.bits };
  }

  check(value: unknown): readonly WireValue[] {
    if (!Array.isArray(value)) this.refuse(value, 'is not an array');
    if (value.length > this.maxSize) this.refuse(value, `is longer than max_size ${this.maxSize}`);
    return value.map((element: unknown, i: number) => {
      try {
        return this.element.check(element);
      } catch (error) {
        if (error instanceof ValueError) throw new ValueError(`type '${this.name}' (array) element ${i + 1}: ${error.message}`);
        throw error;
      }
    });
  }

  quantize(value: WireValue): readonly WireValue[] {
    return (value as readonly WireValue[]).map((v) => this.element.quantize(v));
  }

  override bitsFor(value: WireValue): number {
    let bits = this.lengthBits;
    for (const v of value as readonly WireValue[]) bits += this.element.bitsFor(v);
    return bits;
  }

  encode(w: BitWriter, value: WireValue): void {
    const values = value as readonly WireValue[];
    w.writeBits(values.length, this.lengthBits);
    for (const v of values) this.element.encode(w, v);
  }

  decode(r: BitReader): readonly WireValue[] {
    const length = r.readBits(this.lengthBits);
    if (length > this.maxSize) throw new MalformedError(`array '${this.name}' of ${length} elements, more than max_size ${this.maxSize}`);
    const out: WireValue[] = [];
    for (let i = 0; i < length; i++) out.push(this.element.decode(r));
    return out;
  }

  override equalWithinTolerance(a: WireValue, b: WireValue): boolean {
    const va = a as readonly WireValue[];
    const vb = b as readonly WireValue[];
    return va.length === vb.length && va.every((v, i) => this.element.equalWithinTolerance(v, vb[i]!));
  }
}
