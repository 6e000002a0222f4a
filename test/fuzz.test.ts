import test from 'ava';
import { fuzz } from '../scripts/fuzz.js';

// CI-sized: the nightly run is `node --import=tsx scripts/fuzz.ts` (10^6 inputs per target).
test('every parser of untrusted input accepts or refuses random and mutated inputs, quickly, with bounded memory', (t) => {
  const results = fuzz(2000, 20261125);
  t.is(results.length, 8);
  for (const r of results) {
    t.is(r.accepted + r.refused, r.inputs, r.target);
    t.true(r.refused > 0, `${r.target}: some inputs refused and counted`);
    t.true(r.heapGrowthMb < 64, `${r.target}: heap grew ${r.heapGrowthMb.toFixed(1)} MB`);
  }
});
