import test from 'ava';
import { ManualClock } from '../src/core/clock.js';
import { GameSession } from '../src/core/game_session.js';
import { LanClient } from '../src/core/lan_client.js';
import { NetworkConfig } from '../src/core/network_config.js';
import { NetworkNode } from '../src/core/network_node.js';
import { NetworkSimulator, parseLinkConditions } from '../src/core/network_simulator.js';
import { Random } from '../src/core/random.js';
import type { ScriptEvent } from '../src/core/script_event.js';

const FIELDS = 40;
const config = new NetworkConfig(
  'wide',
  `reliable_send_buffer_size = 262144
   reliable_receive_buffer_size = 262144
   types = { byte = { type = "int" min = 0 max = 255 } }
   objects = { wide = { fields = [ ${Array.from({ length: FIELDS }, (_, i) => `{ name = "f${i}" type = "byte" }`).join(' ')} ] } }`,
);

test('objects of 40 fields: updates whose field masks differ only beyond the 32nd field arrive as set, to two clients through 20% loss', (t) => {
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, 3, parseLinkConditions('loss=0.2'));
  const peers = ['a1', 'b2', 'c3'].map((id, i) => {
    const node = new NetworkNode({ network, clock, random: new Random(i + 1) });
    const events: ScriptEvent[] = [];
    return { node, client: new LanClient(node, config, 0, id), session: new GameSession(node, config, events), events };
  });
  const [host, ...clients] = peers as [(typeof peers)[0], ...typeof peers];
  const frame = () => {
    clock.advance(1 / 30);
    for (const p of peers) {
      p.client.update();
      p.events.length = 0;
      p.session.transmit();
      p.client.transmit();
    }
  };
  const type = config.objects.get('wide')!;
  host.client.createLobby(undefined, 3);
  host.session.makeHost();
  const objects = Array.from({ length: 30 }, () => host.session.createObject(type, new Array(FIELDS).fill(0)));
  frame();
  const lobbies = clients.map((p) => p.client.joinLobby(`127.0.0.1:${host.node.host!.port}`, undefined));
  for (let i = 0; i < 300 && lobbies.some((l) => l.state !== 'joined'); i++) frame();
  for (const p of clients) host.session.addPeer(p.node.host!.peerId);
  const copiesOf = (p: (typeof peers)[0]) => objects.map((o) => p.session.objects.get(o.id));
  for (let i = 0; i < 600 && clients.some((p) => copiesOf(p).includes(undefined)); i++) frame();
  t.false(clients.some((p) => copiesOf(p).includes(undefined)), 'every client has every object');

  // Neighbouring objects change field 2 or field 34: bit 2 of a 32-bit mask stands for both.
  for (let f = 0; f < 60; f++) {
    objects.forEach((object, k) => host.session.setField(object, (f + k) % 2 ? 2 : 34, (f * 7 + k) % 256));
    frame();
  }
  for (let i = 0; i < 150; i++) frame();
  for (const p of clients) {
    const copies = copiesOf(p);
    t.deepEqual(
      copies.map((c) => c!.values),
      objects.map((o) => o.values),
      `${p.node.host!.peerId} has the host's values`,
    );
  }
  t.true(objects.every((o) => o.values[2] !== 0 && o.values[34] !== 0), 'both fields changed on every object');
});
