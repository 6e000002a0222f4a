/**
 * Two peers driven from TypeScript alone, without Lua: a host opens a LAN lobby and a game session,
 * a client joins both, the host creates a game object and moves it, and the client sees it move.
 *
 *   node --import=tsx docs/examples/typescript_peers.ts
 */
import { GameSession, LanClient, ManualClock, NetworkConfig, NetworkNode, NetworkSimulator, Random, type ScriptEvent } from '../../src/index.js';

const config = new NetworkConfig(
  'example',
  `reliable_send_buffer_size = 32768
   reliable_receive_buffer_size = 32768
   types = { position = { type = "vector3" min = -100 max = 100 bits = 16 } }
   objects = { ball = { fields = [ { name = "position" type = "position" } ] } }`,
);

// One simulated network and one clock for both peers; each peer has its own node.
const clock = new ManualClock();
const network = new NetworkSimulator(clock, 1);
const peer = (id: string, seed: number) => {
  const node = new NetworkNode({ network, clock, random: new Random(seed) });
  const client = new LanClient(node, config, 0, id);
  const events: ScriptEvent[] = [];
  return { node, client, events, session: new GameSession(node, config, events) };
};
const host = peer('a1', 1);
const guest = peer('b2', 2);

const frame = (): void => {
  clock.advance(1 / 30);
  for (const p of [host, guest]) p.client.update();
  for (const p of [host, guest]) {
    p.session.transmit();
    p.client.transmit();
  }
};

const lobby = host.client.createLobby(undefined, 4);
host.session.makeHost();
frame();
const joined = guest.client.joinLobby(`127.0.0.1:${host.node.host!.port}`, undefined);
while (joined.state !== 'joined') frame();
console.log(`guest joined lobby ${joined.id === lobby.id ? 'of the host' : '?'}; members: ${joined.memberIds().join(', ')}`);

host.session.addPeer('b2');
while (!guest.session.inSession()) frame();
console.log(`guest is in the session of ${guest.session.host}`);

const ball = host.session.createObject(config.objects.get('ball')!, [[0, 0, 0]]);
for (let i = 1; i <= 30; i++) {
  host.session.setField(ball, 0, config.objects.get('ball')!.fields[0]!.type.quantize([i, 0, 0]));
  frame();
}
for (let i = 0; i < 5; i++) frame();
const copy = guest.session.objects.get(ball.id)!;
console.log(`guest sees ball ${ball.id} owned by ${copy.owner} at x = ${(copy.values[0] as number[])[0]!.toFixed(2)}`);
console.log(`guest's events: ${guest.events.map((e) => e.name).join(', ')}`);
for (const p of [host, guest]) p.client.shutdown();
