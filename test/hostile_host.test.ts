import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NetworkConfig } from '../src/core/config/network_config.js';
import { encodeConnectRequest } from '../src/core/transport/packet.js';
import { ATTACK_SECONDS, describeRoundTrips, HOSTILE_ROOT, startHostileHost } from './helpers/hostile_host.js';

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

test('a connect flood over real UDP gets challenges no larger than its requests; the live player keeps its round trips and a new player joins during it', async (t) => {
  const h = await startHostileHost(t);
  const rssBefore = h.rssMiB();
  const before = await h.moreRoundTrips(10);
  const attacker = await h.attacker();
  let requestBytes = 0;
  let replyBytes = 0;
  let challenges = 0;
  attacker.on('message', (reply) => {
    replyBytes += reply.length;
    if (reply[0] === 7) challenges++;
  });
  // The host's own config hash: forged requests that would pass every check but the challenge.
  const configHash = BigInt('0x' + new NetworkConfig('global', readFileSync(path.join(HOSTILE_ROOT, 'global.network_config'), 'utf8')).hash);
  let from = 0x1000n;
  const burst = (): void => {
    for (let i = 0; i < 512; i++) {
      const request = encodeConnectRequest({ from: from++, to: 0n, configHash, salt: 1 });
      requestBytes += request.length;
      attacker.send(request, h.gamePort, '127.0.0.1');
    }
  };
  const flooding = setInterval(burst, 100);
  t.teardown(() => clearInterval(flooding));
  const floodEnds = Date.now() + ATTACK_SECONDS * 1000;
  const newcomer = h.startPlayer();
  const joined = newcomer.waitFor(/^rtt /m).then(() => true, () => false);
  const during: number[] = [];
  while (Date.now() < floodEnds) during.push(...(await h.moreRoundTrips(5)));
  clearInterval(flooding);
  t.true(await joined, `a new player made a round trip during the flood: ${newcomer.stdout()}`);
  const after = await h.moreRoundTrips(10);
  t.true(during.length >= 5, 'the live player kept its round trips during the flood');
  t.is(after.length, 10);
  t.true(challenges > 0 && replyBytes === challenges * 17, 'every answer is a 17-byte challenge (no connection, no keep-alive)');
  t.true(replyBytes <= requestBytes, `${replyBytes} bytes answered to ${requestBytes} bytes of requests`);
  t.is(h.host.child.exitCode, null);
  t.log(
    `flood ${requestBytes} bytes over ${ATTACK_SECONDS} s, ${replyBytes} answered; before: ${describeRoundTrips(before)}; during: ${describeRoundTrips(during)}; after: ${describeRoundTrips(after)}; host RSS ${rssBefore.toFixed(1)} -> ${h.rssMiB().toFixed(1)} MiB`,
  );
});
