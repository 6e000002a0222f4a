import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeUdpPort } from './helpers/ports.js';
import { runCli } from './helpers/lua.js';

const SCENARIO = 'test/fixtures/lan/scenario.lua';

async function until(condition: () => boolean, seconds: number): Promise<boolean> {
  for (let waited = 0; waited < seconds * 20 && !condition(); waited++) await sleep(50);
  return condition();
}

/** What each role must have seen, in this order (other lines may come between). */
const EXPECTED: Record<string, string[]> = {
  host: ['members a1,b2,c3', 'mode b', 'leaving'],
  first: ['found a1 a', 'members a1,b2,c3', 'mode b', 'host b2'],
  second: ['found a1 a', 'members a1,b2,c3', 'mode b', 'host b2', 'members b2,c3', 'kicked kicked by the lobby host', 'members b2', 'found again b2 b'],
};

function seenInOrder(t: import('ava').ExecutionContext, output: string, role: string): void {
  const lines = output.split('\n').flatMap((line) => {
    const match = new RegExp(`^(?:\\[\\d:scenario\\] )?${role}: (.*)$`).exec(line);
    return match ? [match[1]!] : [];
  });
  let at = 0;
  for (const expected of EXPECTED[role]!) {
    const found = lines.indexOf(expected, at);
    t.true(found >= 0, `${role} should see "${expected}" after line ${at}:\n${lines.join('\n')}`);
    at = found + 1;
  }
}

test('LAN lobby scenario: three peers in one process, deterministic on the simulator', async (t) => {
  const run = () => runCli(['run', SCENARIO, '--peers', '3', '--simulate', 'latency=20ms,jitter=5ms', '--seed', '11', '--frames', '1200']);
  const [first, second] = await Promise.all([run(), run()]);
  t.is(first.code, 0, first.stderr);
  for (const role of ['host', 'first', 'second']) seenInOrder(t, first.stdout, role);
  // Same seed, same run (peer ids are fixed by the script; lobby ids come from the seed).
  t.is(first.stdout, second.stdout);
});

test('LAN lobby scenario: three processes over UDP on loopback', async (t) => {
  const port = String(await freeUdpPort());
  const udp = (role: string, onStdout?: (all: string) => void) =>
    runCli(['run', SCENARIO, '--realtime', '--broadcast', '127.255.255.255', '--frames', '900', '--', '--role', role, '--lobby-port', port], { onStdout });
  // Each joins once the one before is in, so the join order (and the migration successor) is known.
  let hostOut = '';
  let firstOut = '';
  const host = udp('host', (out) => (hostOut = out));
  t.true(await until(() => hostOut.includes('host: host a1'), 20), hostOut);
  const first = udp('first', (out) => (firstOut = out));
  t.true(await until(() => firstOut.includes('first: members a1,b2'), 20), firstOut);
  const second = udp('second');
  const results = { host: await host, first: await first, second: await second };
  for (const [role, result] of Object.entries(results)) {
    t.is(result.code, 0, `${role}: ${result.stderr}`);
    seenInOrder(t, result.stdout, role);
  }
});
