import test from 'ava';
import { describeRoundTrips, startHostileHost } from './helpers/hostile_host.js';

const QUITTERS = 3;

test(`players who quit right after an RPC the host answers in its handler do not take the host down (${QUITTERS} quitters)`, async (t) => {
  const h = await startHostileHost(t);
  const rssBefore = h.rssMiB();
  const before = await h.moreRoundTrips(10);
  t.is(before.length, 10, 'the live player exchanges round trips before');
  const during: Promise<number[]> = h.moreRoundTrips(10);
  for (let i = 0; i < QUITTERS; i++) {
    const quitter = h.startPlayer(['--quit-after-ping']);
    const { code, stdout } = await quitter.result;
    t.is(code, 0, stdout);
    t.regex(stdout, /^quit$/m);
  }
  t.is((await during).length, 10, 'the live player kept its round trips while players quit');
  const after = await h.moreRoundTrips(10);
  t.is(after.length, 10, 'and after');
  t.is(h.host.child.exitCode, null, `the host is still running: ${h.host.stderr()}`);
  // Each quitter's pong went to a channel that had closed in the same receive: dropped and logged.
  const dropped = h.host.stdout().match(/RPC\.rpc_pong to channel \d+: dropped, the other side has gone/g) ?? [];
  t.true(dropped.length >= 1, h.host.stdout());
  t.log(`before: ${describeRoundTrips(before)}; after: ${describeRoundTrips(after)}; ${dropped.length} of ${QUITTERS} answers dropped; host RSS ${rssBefore.toFixed(1)} -> ${h.rssMiB().toFixed(1)} MiB`);
});
