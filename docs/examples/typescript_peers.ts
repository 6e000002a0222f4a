/**
 * Two peers driven from TypeScript alone, without Lua, on the network simulator and a manual clock: a
 * host opens a LAN lobby and a game session, a client joins both, the host creates a game object and
 * moves it by field name, and the client sees it move.
 *
 *   node --import=tsx docs/examples/typescript_peers.ts
 */
import { ManualClock, NetworkConfig, NetworkPeer, NetworkSimulator, Random } from '../../src/index.js';

const config = new NetworkConfig(
  'example',
  `reliable_send_buffer_size = 32768
   reliable_receive_buffer_size = 32768
   types = { position = { type = "vector3" min = -100 max = 100 bits = 16 } }
   objects = { ball = { fields = [ { name = "position" type = "position" } ] } }`,
);

// One simulated network and one clock for both peers: time passes only when frame() says so.
const clock = new ManualClock();
const network = new NetworkSimulator(clock, 1);
const host = NetworkPeer.start({ config, network, clock, random: new Random(1), peerId: 'a1' });
const guest = NetworkPeer.start({ config, network, clock, random: new Random(2), peerId: 'b2' });
const events: string[] = [];
guest.on('objectCreated', () => events.push('objectCreated'));

const frame = (): void => {
  clock.advance(1 / 30);
  host.update();
  guest.update();
};

host.createLobby(4);
host.hostSession();
frame();
guest.joinLobby(`127.0.0.1:${host.port}`);
while (guest.lobbyState !== 'joined') frame();
console.log(`guest joined the lobby; members: ${guest.lobbyMembers().join(', ')}`);

host.addPeer('b2');
while (!guest.inSession) frame();
console.log(`guest is in the session of ${guest.sessionHost}`);

const ball = host.createObject('ball', { position: [0, 0, 0] });
for (let i = 1; i <= 30; i++) {
  host.setField(ball, 'position', [i, 0, 0]);
  frame();
}
for (let i = 0; i < 5; i++) frame();
const copy = guest.gameObject(ball);
console.log(`guest sees ball ${ball} owned by ${copy.owner} at x = ${(copy.fields['position'] as number[])[0]!.toFixed(2)}`);
console.log(`guest's events: ${events.join(', ')}`);
host.close();
guest.close();
