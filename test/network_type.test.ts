/**
 * The type codecs by property, per type kind: over hand-picked edge types and every type of the
 * real-size fixture. Values come from each type's own parameters (`arbitraryFor`).
 */
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BitReader } from '../src/core/wire/bit_reader.js';
import { BitWriter } from '../src/core/wire/bit_writer.js';
import { MalformedError } from '../src/core/wire/byte_reader.js';
import { NetworkConfig } from '../src/core/config/network_config.js';
import { ArrayType, MAX_STRING_BYTES, ValueError, type NetworkType, type QuaternionValue, type TypeKind, type WireValue } from '../src/core/config/network_type.js';
import { REPO_ROOT } from './helpers/lua.js';

const edges = new NetworkConfig(
  'edges',
  `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  small = { type = "int" min = -1 max = 6 }
  lookup = { type = "int" min = 1 max = 1000 }
  wide = { type = "int" min = 0 max = 2147483647 }
  full = { type = "int" }
  signed12 = { type = "int" bits = 12 }
  big = { type = "int" min = 0 max = 1000000000000 }
  damage = { type = "float" min = 0 max = 255.75 bits = 10 }
  health = { type = "float" min = 0 max = 8191.5 bits = 13 }
  yaw = { type = "float" min = -3.15 max = 3.15 bits = 8 tolerance = 0.05 }
  speed = { type = "float" min = -250 max = 250 }
  tenth = { type = "float" min = 0 max = 0.1 }
  position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 tolerance = 0.01 }
  velocity = { type = "vector3" min = -250 max = 250 }
  rotation = { type = "quaternion" bits = 19 }
  default_rotation = { type = "quaternion" }
  exact_rotation = { type = "quaternion" bits = 32 }
  flag = { type = "bool" }
  peer = { type = "int64" }
  lobby = { type = "uint64" }
  unit_name = { type = "idstring32" }
  level_name = { type = "idstring64" }
  resource = { type = "resource_id" }
  text = { type = "string" }
  ids = { type = "array" element = "small" max_size = 10 }
  path = { type = "array" element = "position" max_size = 15 }
  peers = { type = "array" element = "peer" max_size = 8 }
  lines = { type = "array" element = "text" max_size = 3 }
}`,
);
const LARGE = path.join(REPO_ROOT, 'test/fixtures/large.network_config');
const large = new NetworkConfig(LARGE, readFileSync(LARGE, 'utf8'));
const allTypes = [...edges.types.values(), ...large.types.values()];
const type = (name: string): NetworkType => edges.types.get(name)!;
const KINDS: readonly TypeKind[] = ['int', 'float', 'vector3', 'quaternion', 'bool', 'int64', 'uint64', 'idstring32', 'idstring64', 'resource_id', 'string', 'array'];

/** Values a type accepts, its range ends included. */
function arbitraryFor(t: NetworkType): fc.Arbitrary<WireValue> {
  const { min = 0, max = 0, max_size = 0, bits = 0 } = t.info;
  const number = fc.oneof(fc.constantFrom(...[min, max, 0].filter((v) => v >= min && v <= max)), fc.double({ min, max, noNaN: true }));
  switch (t.kind) {
    case 'int':
      return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
    case 'float':
      return number;
    case 'vector3':
      return fc.tuple(number, number, number);
    case 'quaternion': {
      const c = fc.double({ min: -1, max: 1, noNaN: true });
      return fc.tuple(c, c, c, c).filter((q) => Math.hypot(...q) > 0.1);
    }
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 40 });
    case 'array':
      return fc.array(arbitraryFor((t as ArrayType).element), { maxLength: Math.min(max_size, 12) });
    default:
      // 64- and 32-bit ids, as hex text
      return fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((id) => id.toString(16));
  }
}

const ofKind = (kind: TypeKind) => allTypes.filter((t) => t.kind === kind);
/** A type of `kind` (from the edge types and the fixture) with a value it accepts. */
const typedValue = (kind: TypeKind) => fc.constantFrom(...ofKind(kind)).chain((t) => arbitraryFor(t).map((value) => ({ t, value })));

function encode(t: NetworkType, value: WireValue): { bytes: Uint8Array; bits: number } {
  const w = new BitWriter();
  t.encode(w, value);
  return { bits: w.bitLength, bytes: w.finish() };
}

const decode = (t: NetworkType, bytes: Uint8Array): WireValue => t.decode(new BitReader(bytes));

/** How far a decoded number may be from what was written: one grid step, or float32 rounding. */
function step(t: NetworkType): (v: number) => number {
  const { min = 0, max = 0, bits = 32 } = t.info;
  if (bits >= 32) return (v) => Math.abs(v) * 2 ** -22 + 2 ** -140;
  return () => ((max - min) / (2 ** bits - 1)) * (1 + 1e-9);
}

/** Whether the decoded value is within one quantization step of the (checked) input. */
function withinOneStep(t: NetworkType, input: WireValue, decoded: WireValue): boolean {
  switch (t.kind) {
    case 'float':
      return Math.abs((decoded as number) - (input as number)) <= step(t)(input as number);
    case 'vector3':
      return (decoded as number[]).every((c, i) => Math.abs(c - (input as number[])[i]!) <= step(t)((input as number[])[i]!));
    case 'quaternion': {
      // The three smaller components travel on a grid over ±1/√2; the largest is rebuilt from unit length.
      const q = input as QuaternionValue;
      const largest = q.indexOf(q.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a)));
      const scale = Math.sign(q[largest]!) / Math.hypot(...q);
      const gridStep = t.info.bits! >= 32 ? 1e-6 : (2 * Math.SQRT1_2) / (2 ** t.info.bits! - 1);
      return (decoded as number[]).every((c, i) => Math.abs(c - q[i]! * scale) <= (i === largest ? 2 : 1) * gridStep);
    }
    case 'array': {
      const element = (t as ArrayType).element;
      return (decoded as WireValue[]).every((v, i) => withinOneStep(element, (input as WireValue[])[i]!, v));
    }
    default:
      return decoded === input;
  }
}

for (const kind of KINDS) {
  test(`${kind}: encode → decode gives quantize(value), within one step, in exactly the declared bits, and can be sent again`, (t) => {
    t.true(ofKind(kind).length > 0);
    fc.assert(
      fc.property(typedValue(kind), ({ t: it, value }) => {
        const checked = it.check(value);
        const { bytes, bits } = encode(it, checked);
        const decoded = decode(it, bytes);
        t.deepEqual(decoded, it.quantize(checked));
        t.true(withinOneStep(it, checked, decoded), `${it.name}: ${JSON.stringify(checked)} arrived as ${JSON.stringify(decoded)}`);
        t.is(bits, it.bits ?? it.bitsFor(checked));
        t.is(bits, it.bitsFor(checked));
        // What a peer receives it may write into its own objects and messages, and it travels unchanged
        // (but for a quaternion, whose rebuilt component may become the largest and change the encoding).
        const again = it.check(decoded);
        if (kind !== 'quaternion') t.deepEqual(it.quantize(again), decoded);
      }),
      { numRuns: 300 },
    );
  });
}

test('declared bits: ints from their range or bits, floats and vectors per component, quaternions 2 + 3 × bits', (t) => {
  const bits = Object.fromEntries([...edges.types.values()].map((it) => [it.name, it.bits ?? null]));
  t.like(bits, { small: 3, lookup: 10, wide: 31, full: 32, signed12: 12, big: 40, damage: 10, speed: 32, position: 51, velocity: 96 });
  t.like(bits, { rotation: 2 + 3 * 19, default_rotation: 2 + 3 * 16, exact_rotation: 2 + 3 * 32, flag: 1, peer: 64, lobby: 64, unit_name: 32, level_name: 64, resource: 64, text: null, ids: null });
  t.like(type('signed12').info, { min: -2048, max: 2047 });
  t.like(type('full').info, { min: -(2 ** 31), max: 2 ** 31 - 1 });
  t.is(type('text').bitsFor('héllo'), 16 + 6 * 8);
  t.is(type('ids').bitsFor([1, 2, 3]), 4 + 3 * 3);
  t.is(type('path').bitsFor([]), 4);
});

test('ints accept integral floats, and 0 travels exactly on grids that span it', (t) => {
  t.is(type('small').check(6 * 0.5), 3);
  t.is(type('big').check(1e12), 1e12);
  t.deepEqual(type('position').quantize([0, 0, 0]), [0, 0, 0]);
  t.is(type('yaw').quantize(0), 0);
  t.is(type('damage').quantize(100.3), 100.25);
});

/** Values outside a type's range, beside ones of the wrong kind, per kind. */
function refusedFor(t: NetworkType): fc.Arbitrary<unknown> {
  const { min = 0, max = 0, max_size = 0 } = t.info;
  // -0 is "below" 0 for fast-check, but not out of a range starting at 0.
  const outside = fc.oneof(fc.double({ max: min, noNaN: true, maxExcluded: true }), fc.double({ min: max, noNaN: true, minExcluded: true })).filter((v) => v < min || v > max);
  const wrong = fc.constantFrom<unknown>({}, null, undefined, [], () => 0);
  switch (t.kind) {
    case 'int':
      return fc.oneof(outside.map(Math.round).filter((v) => v < min || v > max), fc.double({ min, max, noNaN: true }).filter((v) => !Number.isInteger(v)), fc.constantFrom('1', true, NaN), wrong);
    case 'float':
      return fc.oneof(outside, fc.constantFrom('1', true, NaN), wrong);
    case 'vector3':
      return fc.oneof(outside.map((c) => [min, c, max]), fc.constantFrom(1, [0, 0], [0, 0, 0, 0], [0, '0', 0], [NaN, 0, 0]), wrong);
    case 'quaternion':
      return fc.constantFrom(1, [0, 0, 1], [0, 0, 0, 0], [0, 0, 0, '1'], [0, 0, Infinity, 1], {}, null);
    case 'bool':
      return fc.constantFrom(0, 1, 'true', {}, null, undefined);
    case 'string':
      return fc.constantFrom(1, true, {}, null, ['a'], 'x'.repeat(MAX_STRING_BYTES + 1), 'é'.repeat(MAX_STRING_BYTES / 2 + 1));
    case 'array': {
      const element = (t as ArrayType).element;
      return fc.oneof(fc.constantFrom(1, 'a', {}, true), fc.constant(new Array(max_size + 1).fill(0)), refusedFor(element).map((bad) => [bad]));
    }
    case 'int64':
    case 'uint64':
      return fc.constantFrom(-1, 1.5, 2 ** 53, '-1', 'xyz', '0x', 'f'.repeat(17), true, {}, null);
    default:
      // Id strings: any text is a name to hash; numbers must be whole and fit.
      return fc.constantFrom(-1, 1.5, true, {}, null, ...(t.bits === 32 ? [2 ** 32] : []));
  }
}

for (const kind of KINDS) {
  test(`${kind}: out-of-range, wrong-kind and over-long values are refused with a ValueError naming the type and value`, (t) => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ofKind(kind)).chain((it) => refusedFor(it).map((value) => ({ it, value }))),
        ({ it, value }) => {
          const error = t.throws(() => it.check(value), { instanceOf: ValueError }, `${it.name} accepted ${String(value)}`);
          t.true(error!.message.startsWith(`type '${it.name}' (${kind})`), error!.message);
        },
      ),
      { numRuns: 150 },
    );
  });
}

test('refusals say what is wrong', (t) => {
  const refusal = (name: string, value: unknown): string => t.throws(() => type(name).check(value), { instanceOf: ValueError })!.message;
  t.is(refusal('small', 7), "type 'small' (int): 7 is out of range -1..6");
  t.is(refusal('small', 2.5), "type 'small' (int): 2.5 is not an integer");
  t.is(refusal('small', '2'), `type 'small' (int): "2" is not a number`);
  t.is(refusal('damage', 256), "type 'damage' (float): 256 is out of range 0..255.75");
  t.is(refusal('position', [0, 700, 0]), "type 'position' (vector3): [0, 700, 0] has a component out of range -655.35..655.35");
  t.is(refusal('position', 3), "type 'position' (vector3): 3 is not a Vector3");
  t.is(refusal('rotation', [0, 0, 0, 0]), "type 'rotation' (quaternion): [0, 0, 0, 0] is not a rotation (zero length)");
  t.is(refusal('peer', 'xyz'), `type 'peer' (int64): "xyz" is not a 64-bit hex id`);
  t.is(refusal('ids', new Array(11).fill(0)), "type 'ids' (array): an array of 11 is longer than max_size 10");
  t.is(refusal('ids', [1, 9]), "type 'ids' (array) element 2: type 'small' (int): 9 is out of range -1..6");
  t.regex(refusal('text', 'x'.repeat(70000)), /^type 'text' \(string\): "x{20}\.\.\." is longer than 65535 bytes$/);
});

test('ids: hex text of any case or a number; id strings given by name are hashed', (t) => {
  t.is(type('peer').check('00FF'), 'ff');
  t.is(type('peer').check('0x1A'), '1a');
  t.is(type('peer').check(255), 'ff');
  t.is(type('unit_name').check('deadbeef'), 'deadbeef');
  t.regex(type('unit_name').check('units/beings/player') as string, /^[0-9a-f]{1,8}$/);
  t.regex(type('level_name').check('levels/inn') as string, /^[0-9a-f]{1,16}$/);
  t.is(type('resource').check('levels/inn'), type('level_name').check('levels/inn'));
});

test('decoding any strict prefix of an encoded value throws MalformedError', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...KINDS).chain(typedValue),
      fc.nat(),
      ({ t: it, value }, cut) => {
        const { bytes } = encode(it, it.check(value));
        fc.pre(bytes.length > 0);
        t.throws(() => decode(it, bytes.subarray(0, cut % bytes.length)), { instanceOf: MalformedError });
      },
    ),
    { numRuns: 1000 },
  );
});

test('decoding arbitrary bytes gives a value the type accepts, or MalformedError, never anything else', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...allTypes), fc.uint8Array({ maxLength: 24 }), (it, bytes) => {
      let decoded: WireValue;
      try {
        decoded = decode(it, bytes);
      } catch (error) {
        t.true(error instanceof MalformedError, `${it.name}: ${String(error)}`);
        return;
      }
      t.notThrows(() => it.check(decoded), `${it.name} decoded ${JSON.stringify(decoded)}`);
    }),
    { numRuns: 3000 },
  );
});
