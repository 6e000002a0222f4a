import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeUdpPort } from './helpers/ports.js';
import { CLI_ARGS, REPO_ROOT } from './helpers/lua.js';

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/chaos/chaos.lua');
const KILLS = 20;

interface Peer {
  child: ChildProcess;
  out: string;
  alive: boolean;
}

/** Lines of the form `<word> a b` a peer printed. */
function lines(peer: Peer, word: string): string[][] {
  return peer.out
    .split('\n')
    .filter((l) => l.startsWith(`${word} `))
    .map((l) => l.split(' ').slice(1));
}

async function until(condition: () => boolean, seconds: number): Promise<boolean> {
  for (let waited = 0; waited < seconds * 20; waited++) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

test(`host chaos: the lobby host of four processes is killed ${KILLS} times; every acknowledged RPC was delivered`, async (t) => {
  const port = String(await freeUdpPort());
  const peers: Peer[] = [];
  const start = (create: boolean): Peer => {
    const args = ['run', SCRIPT, '--realtime', '--broadcast', '127.255.255.255', '--', '--lobby-port', port, '--seconds', '300', ...(create ? ['--create'] : [])];
    const peer: Peer = { child: spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO_ROOT }), out: '', alive: true };
    peer.child.stdout!.on('data', (chunk) => (peer.out += chunk));
    peer.child.on('exit', () => (peer.alive = false));
    peers.push(peer);
    return peer;
  };
  t.teardown(() => {
    for (const peer of peers) if (peer.alive) peer.child.kill('SIGKILL');
  });
  const sending = (peer: Peer): boolean => lines(peer, 'acked').length > 0;
  const hostOf = (): Peer | undefined => {
    // The live peer that most recently became host.
    const hosts = peers.filter((p) => p.alive && lines(p, 'host').length > 0);
    return hosts.at(-1);
  };

  const first = start(true);
  t.true(await until(() => lines(first, 'host').length > 0, 20), `the first peer hosts: ${first.out}`);
  for (let i = 0; i < 3; i++) start(false);
  t.true(await until(() => peers.slice(1).every(sending), 30), 'three peers joined and are sending');

  for (let kill = 0; kill < KILLS; kill++) {
    const host = hostOf()!;
    host.child.kill('SIGKILL');
    await until(() => !host.alive, 5);
    // A remaining member takes the lobby over by the migration path...
    const taken = await until(() => peers.some((p) => p !== host && p.alive && lines(p, 'host').length > 0 && hostOf() !== host), 20);
    t.true(taken, `round ${kill + 1}: a member took over`);
    if (!taken) break;
    // ...and a new process joins, so four keep playing.
    const joiner = start(false);
    t.true(await until(() => sending(joiner) && peers.filter((p) => p.alive).every((p) => p === hostOf() || sending(p)), 30), `round ${kill + 1}: the new peer joined`);
    // Play on until the new peer's RPCs are being acknowledged by this host, then kill it.
    const acked = lines(joiner, 'acked').length;
    await until(() => lines(joiner, 'acked').length >= acked + 3, 10);
  }
  for (const peer of peers) if (peer.alive) peer.child.kill('SIGKILL');
  await until(() => peers.every((p) => !p.alive), 10);

  // Each sender's "acked <host> <n>": the host with that id must have handled n from that sender.
  const hostById = new Map<string, Peer>();
  for (const peer of peers) for (const [id] of lines(peer, 'host')) hostById.set(id!, peer);
  const senderId = (peer: Peer): string | undefined => lines(peer, 'peer')[0]?.[0];
  const lost: string[] = [];
  let acknowledged = 0;
  for (const peer of peers) {
    const id = senderId(peer);
    for (const [hostId, n] of lines(peer, 'acked')) {
      acknowledged++;
      const host = hostById.get(hostId!);
      const handled = host && lines(host, 'got').some(([from, m]) => from === id && m === n);
      if (!handled) lost.push(`${id ?? '?'} -> ${hostId}: RPC ${n} acknowledged but not delivered`);
    }
  }
  t.log(`${hostById.size} hosts over ${KILLS} kills, ${peers.length} processes, ${acknowledged} acknowledged RPCs checked, ${lost.length} lost`);
  t.true(acknowledged > KILLS * 10);
  t.deepEqual(lost, []);
});
