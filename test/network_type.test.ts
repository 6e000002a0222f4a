import test from 'ava';
import fc from 'fast-check';
import { BitReader } from '../src/core/bit_reader.js';
import { BitWriter } from '../src/core/bit_writer.js';
import { MalformedError } from '../src/core/byte_reader.js';
import { NetworkConfig } from '../src/core/network_config.js';
import { ValueError, type NetworkType, type WireValue } from '../src/core/network_type.js';

const config = new NetworkConfig(
  'types',
  `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  small = { type = "int" min = -1 max = 6 }
  wide = { type = "int" min = 0 max = 2147483647 }
  full = { type = "int" }
  big = { type = "int" min = 0 max = 1000000000000 }
  damage = { type = "float" min = 0 max = 255.75 bits = 10 }
  speed = { type = "float" min = -250 max = 250 }
  position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 tolerance = 0.01 }
  rotation = { type = "quaternion" bits = 19 }
  flag = { type = "bool" }
  peer = { type = "int64" }
  name = { type = "idstring32" }
  text = { type = "string" }
  ids = { type = "array" element = "small" max_size = 10 }
  path = { type = "array" element = "position" max_size = 15 }
}`,
);
const type = (name: string): NetworkType => config.types.get(name)!;

function roundTrip(t: NetworkType, value: WireValue): { decoded: WireValue; bits: number } {
  const w = new BitWriter();
  t.encode(w, value);
  const bits = w.bitLength;
  return { decoded: t.decode(new BitReader(w.finish())), bits };
}

const close = (a: number, b: number, step: number): boolean => Math.abs(a - b) <= step * (1 + 1e-9);

test('int: round trip exact, costs the bits of its range, accepts integral floats, refuses the rest', (t) => {
  const cases: [string, number, number, number][] = [
    ['small', -1, 6, 3],
    ['wide', 0, 2147483647, 31],
    ['full', -(2 ** 31), 2 ** 31 - 1, 32],
    ['big', 0, 1e12, 40],
  ];
  for (const [name, min, max, bits] of cases) {
    const it = type(name);
    t.is(it.bits, bits, name);
    fc.assert(
      fc.property(fc.integer({ min, max }), (v) => {
        const checked = it.check(v);
        const { decoded, bits: written } = roundTrip(it, checked);
        return decoded === v && written === bits;
      }),
    );
    t.throws(() => it.check(max + 1), { instanceOf: ValueError, message: `type '${name}' (int): ${max + 1} is out of range ${min}..${max}` });
  }
  t.is(type('small').check(3.0), 3);
  t.throws(() => type('small').check(2.5), { instanceOf: ValueError, message: "type 'small' (int): 2.5 is not an integer" });
  t.throws(() => type('small').check('2'), { instanceOf: ValueError, message: `type 'small' (int): "2" is not a number` });
});

test('float and vector3: decoded within one step of the input, equal to quantize, exactly the declared bits', (t) => {
  const damage = type('damage');
  t.is(damage.bits, 10);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 255.75, noNaN: true }), (v) => {
      const { decoded, bits } = roundTrip(damage, damage.check(v));
      return close(decoded as number, v, 0.25) && decoded === damage.quantize(v) && bits === 10;
    }),
  );
  const speed = type('speed');
  t.is(speed.bits, 32);
  fc.assert(fc.property(fc.double({ min: -250, max: 250, noNaN: true }), (v) => roundTrip(speed, v).decoded === Math.fround(v)));
  const position = type('position');
  const step = 1310.7 / (2 ** 17 - 1);
  t.is(position.bits, 51);
  const component = fc.double({ min: -655.35, max: 655.35, noNaN: true });
  fc.assert(
    fc.property(fc.tuple(component, component, component), (v) => {
      const { decoded, bits } = roundTrip(position, position.check(v));
      const d = decoded as number[];
      const q = position.quantize(v) as number[];
      return bits === 51 && d.every((c, i) => close(c, v[i]!, step) && c === q[i]);
    }),
  );
  t.deepEqual(position.quantize([0, 0, 0]), [0, 0, 0]);
  t.throws(() => damage.check(256), { instanceOf: ValueError, message: "type 'damage' (float): 256 is out of range 0..255.75" });
  t.throws(() => position.check([0, 700, 0]), { instanceOf: ValueError, message: "type 'position' (vector3): [0, 700, 0] has a component out of range -655.35..655.35" });
  t.throws(() => position.check(3), { instanceOf: ValueError, message: "type 'position' (vector3): 3 is not a Vector3" });
});

test('quaternion: smallest-three in 2 + 3 × bits, the same rotation within tolerance of the grid', (t) => {
  const rotation = type('rotation');
  t.is(rotation.bits, 2 + 3 * 19);
  const unit = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })).filter((q) => Math.hypot(...q) > 0.1);
  fc.assert(
    fc.property(unit, (q) => {
      const { decoded, bits } = roundTrip(rotation, rotation.check(q));
      const d = decoded as number[];
      const length = Math.hypot(...q);
      const dot = Math.abs(d.reduce((sum, c, i) => sum + (c * q[i]!) / length, 0));
      return bits === 59 && dot > 1 - 1e-5 && Math.abs(Math.hypot(...d) - 1) < 1e-9;
    }),
  );
  t.throws(() => rotation.check([0, 0, 0, 0]), { instanceOf: ValueError });
});

test('bool, 64-bit ids, id strings and strings round trip exactly', (t) => {
  fc.assert(fc.property(fc.boolean(), (v) => roundTrip(type('flag'), v).decoded === v && roundTrip(type('flag'), v).bits === 1));
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      const hex = v.toString(16);
      const { decoded, bits } = roundTrip(type('peer'), type('peer').check(hex.toUpperCase()));
      return decoded === hex && bits === 64;
    }),
  );
  t.is(type('peer').check(255), 'ff');
  t.throws(() => type('peer').check('xyz'), { instanceOf: ValueError, message: `type 'peer' (int64): "xyz" is not a 64-bit hex id` });
  t.is(type('name').check('deadbeef'), 'deadbeef');
  t.regex(type('name').check('units/beings/player') as string, /^[0-9a-f]{1,8}$/);
  fc.assert(
    fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), (s) => {
      const { decoded, bits } = roundTrip(type('text'), type('text').check(s));
      return decoded === s && bits === type('text').bitsFor(s) && bits === 16 + Buffer.byteLength(s) * 8;
    }),
  );
});

test('arrays: a length sized by max_size, then the elements; too long is refused', (t) => {
  const ids = type('ids');
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 10 }), (v) => {
      const { decoded, bits } = roundTrip(ids, ids.check(v));
      return JSON.stringify(decoded) === JSON.stringify(v) && bits === 4 + 3 * v.length && bits === ids.bitsFor(v);
    }),
  );
  t.throws(() => ids.check(new Array(11).fill(0)), { instanceOf: ValueError, message: "type 'ids' (array): an array of 11 is longer than max_size 10" });
  t.throws(() => ids.check([1, 9]), { instanceOf: ValueError, message: "type 'ids' (array) element 2: type 'small' (int): 9 is out of range -1..6" });
  const path = type('path');
  t.is(path.bitsFor([[0, 0, 0]]), 4 + 51);
});

test('decoding truncated or corrupt bytes fails with MalformedError only', (t) => {
  const all = [...config.types.values()];
  fc.assert(
    fc.property(fc.constantFrom(...all), fc.uint8Array({ maxLength: 12 }), (it, bytes) => {
      try {
        it.decode(new BitReader(bytes));
        return true;
      } catch (error) {
        return error instanceof MalformedError;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
