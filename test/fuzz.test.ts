import test from 'ava';
import { fuzz } from '../scripts/fuzz.js';

// CI-sized: the nightly run is `node --import=tsx scripts/fuzz.ts` (10^6 inputs per target).
test('every parser of untrusted input accepts or refuses random and mutated inputs, quickly, with bounded memory', (t) => {
  const results = fuzz(2000, 20261125);
  t.deepEqual(
    results.map((r) => r.target),
    ['packet', 'discovery', 'config', 'bits', 'lobby-message', 'session-message', 'rpc-message', 'channel-message', 'platform-request', 'platform-message'],
  );
  for (const r of results) {
    t.is(r.accepted + r.refused, r.inputs, r.target);
    t.true(r.refused > 0, `${r.target}: some inputs refused and counted`);
    t.true(r.heapGrowthMb < 64, `${r.target}: heap grew ${r.heapGrowthMb.toFixed(1)} MB`);
  }
});

test('the platform service and its clients get past parsing with structure-aware JSON mutations: many inputs are accepted, not only refused', (t) => {
  for (const r of fuzz(2000, 7, ['platform-request', 'platform-message'])) t.true(r.accepted > 100, `${r.target}: ${r.accepted} of ${r.inputs} accepted`);
});
