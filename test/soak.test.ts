import test from 'ava';
import { soak } from '../scripts/soak_transport.js';

// CI-sized: `node --import=tsx scripts/soak_transport.ts 10` runs the full 10 virtual minutes.
test('soak: 1 s latency, ±100 ms jitter, 25% loss, 25% duplication and reconnects; every delivered message verified', (t) => {
  const r = soak(90, 7);
  t.deepEqual(r.failures, []);
  t.true(r.reconnects >= 1, `${r.reconnects} reconnects`);
  t.true(r.delivered > 1000, `${r.delivered} of ${r.sent} delivered`);
});
