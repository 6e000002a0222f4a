import test from 'ava';
import fc from 'fast-check';
import { BitReader } from '../src/core/wire/bit_reader.js';
import { BitWriter } from '../src/core/wire/bit_writer.js';

test('Elias-gamma numbers and plain bits read back as written, in 2·log2(n) + 1 bits each (property)', (t) => {
  const item = fc.oneof(
    fc.record({ gamma: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 0xffffffff })) }),
    fc.record({ bits: fc.integer({ min: 0, max: 32 }), value: fc.integer({ min: 0, max: 0xffffffff }) }),
  );
  fc.assert(
    fc.property(fc.array(item, { maxLength: 40 }), (items) => {
      const w = new BitWriter(4);
      let expectedBits = 0;
      for (const it of items) {
        if ('gamma' in it) {
          w.writeGamma(it.gamma);
          expectedBits += 2 * (31 - Math.clz32(it.gamma)) + 1;
        } else {
          w.writeBits(it.value, it.bits);
          expectedBits += it.bits;
        }
      }
      t.is(w.bitLength, expectedBits);
      const r = new BitReader(w.finish());
      for (const it of items) {
        if ('gamma' in it) t.is(r.readGamma(), it.gamma);
        else t.is(r.readBits(it.bits), it.bits === 32 ? it.value : it.value % 2 ** it.bits);
      }
    }),
  );
});
