import test from 'ava';
import { BitWriter } from '../src/core/wire/bit_writer.js';
import { ManualClock } from '../src/core/base/clock.js';
import { GameSession } from '../src/core/session/game_session.js';
import { LanClient } from '../src/core/lobby/lan_client.js';
import { NetworkConfig, type WireValue } from '../src/core/config/network_config.js';
import { NetworkNode, Service } from '../src/core/transport/network_node.js';
import { NetworkSimulator, parseLinkConditions } from '../src/core/transport/network_simulator.js';
import { Random } from '../src/core/base/random.js';
import type { ScriptEvent } from '../src/core/session/script_event.js';
import { SessionMessage } from '../src/core/session/session_message.js';

/** A host and `clients` in one session on the simulator, with `count` objects of `type` created before they join. */
function startSession(config: NetworkConfig, typeName: string, values: WireValue[], count: number, clientCount: number, conditions = '') {
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, 3, parseLinkConditions(conditions));
  const peers = ['a1', 'b2', 'c3', 'd4'].slice(0, clientCount + 1).map((id, i) => {
    const node = new NetworkNode({ network, clock, random: new Random(i + 1) });
    const events: ScriptEvent[] = [];
    return { node, client: new LanClient(node, config, 0, id), session: new GameSession(node, config, events), events };
  });
  type Peer = (typeof peers)[0];
  const [host, ...clients] = peers as [Peer, ...Peer[]];
  const frame = () => {
    clock.advance(1 / 30);
    for (const p of peers) {
      p.client.update();
      // As Network.update does once a destroyed object's callback has returned.
      for (const event of p.events) if (event.name === 'game_object_destroyed') event.release();
      p.events.length = 0;
      p.session.transmit();
      p.client.transmit();
    }
  };
  const type = config.objects.get(typeName)!;
  host.client.createLobby(undefined, clientCount + 1);
  host.session.makeHost();
  const objects = Array.from({ length: count }, () => host.session.createObject(type, values.map((v, f) => type.fields[f]!.type.quantize(v as never))));
  frame();
  const lobbies = clients.map((p) => p.client.joinLobby(`127.0.0.1:${host.node.host!.port}`, undefined));
  for (let i = 0; i < 300 && lobbies.some((l) => l.state !== 'joined'); i++) frame();
  for (const p of clients) host.session.addPeer(p.node.host!.peerId);
  const copiesOf = (p: Peer) => objects.map((o) => p.session.objects.get(o.id));
  for (let i = 0; i < 600 && clients.some((p) => copiesOf(p).includes(undefined)); i++) frame();
  if (clients.some((p) => copiesOf(p).includes(undefined))) throw new Error('the clients did not get every object');
  return { host, clients, objects, frame, copiesOf, network };
}

const FIELDS = 40;
const wide = new NetworkConfig(
  'wide',
  `reliable_send_buffer_size = 262144
   reliable_receive_buffer_size = 262144
   types = { byte = { type = "int" min = 0 max = 255 } }
   objects = { wide = { fields = [ ${Array.from({ length: FIELDS }, (_, i) => `{ name = "f${i}" type = "byte" }`).join(' ')} ] } }`,
);

test('objects of 40 fields: updates whose field masks differ only beyond the 32nd field arrive as set, to two clients through 20% loss', (t) => {
  const { host, clients, objects, frame, copiesOf } = startSession(wide, 'wide', new Array(FIELDS).fill(0), 30, 2, 'loss=0.2');
  // Neighbouring objects change field 2 or field 34: bit 2 of a 32-bit mask stands for both.
  for (let f = 0; f < 60; f++) {
    objects.forEach((object, k) => host.session.setField(object, (f + k) % 2 ? 2 : 34, (f * 7 + k) % 256));
    frame();
  }
  for (let i = 0; i < 150; i++) frame();
  for (const p of clients) {
    t.deepEqual(
      copiesOf(p).map((c) => c!.values),
      objects.map((o) => o.values),
      `${p.node.host!.peerId} has the host's values`,
    );
  }
  t.true(objects.every((o) => o.values[2] !== 0 && o.values[34] !== 0), 'both fields changed on every object');
});

const vectors = new NetworkConfig(
  'vectors',
  `reliable_send_buffer_size = 65536
   reliable_receive_buffer_size = 65536
   types = {
     position = { type = "vector3" min = -100 max = 100 bits = 12 }
     offset = { type = "vector3" min = -8 max = 8 bits = 10 }
     direction = { type = "vector3" min = -1 max = 1 }
     kind = { type = "int" min = 0 max = 15 }
   }
   objects = { mover = { fields = [
     { name = "position" type = "position" } { name = "kind" type = "kind" } { name = "offset" type = "offset" }
     { name = "direction" type = "direction" } { name = "target" type = "position" }
   ] } }`,
);

test('Vector3 fields arrive exactly as the host quantized them, whether the values of a message cluster, repeat, span the whole range or mix types', (t) => {
  const type = vectors.objects.get('mover')!;
  const quantize = (f: number, v: WireValue) => type.fields[f]!.type.quantize(v as never);
  const { host, clients, objects, frame, copiesOf } = startSession(vectors, 'mover', [[0, 0, 0], 0, [0, 0, 0], [0, 0, 1], [0, 0, 0]], 40, 2);
  const phases: [string, (k: number, f: number) => void][] = [
    ['clustered', (k, f) => host.session.setField(objects[k]!, 0, quantize(0, [10 + ((k * 7 + f) % 13) / 10, 2 + (k % 3) / 10, -5]))],
    ['all the same', (k, f) => host.session.setField(objects[k]!, 0, quantize(0, [33.3, -20 + f, 0.5]))],
    ['the ends of the range', (k, f) => host.session.setField(objects[k]!, 0, quantize(0, (k + f) % 2 ? [-100, 100, -100] : [100, -100, 100]))],
    [
      'two framable types, one not, in one message',
      (k, f) => {
        host.session.setField(objects[k]!, 2, quantize(2, [((k + f) % 16) - 8, 0.25, 7.9]));
        host.session.setField(objects[k]!, 3, quantize(3, [Math.sin(k + f), Math.cos(k + f), 0]));
        host.session.setField(objects[k]!, 4, quantize(4, [-99 + k, 50, 50 - (f % 3)]));
        host.session.setField(objects[k]!, 1, (k + f) % 16);
      },
    ],
  ];
  const connection = host.node.host!.connectionTo(clients[0]!.node.host!.peerId)!;
  const bytes = new Map<string, number>();
  for (const [name, change] of phases) {
    const before = connection.stats.bytesSent;
    for (let f = 0; f < 5; f++) {
      for (let k = 0; k < objects.length; k++) change(k, f);
      frame();
    }
    bytes.set(name, connection.stats.bytesSent - before);
    for (let i = 0; i < 10; i++) frame();
    for (const p of clients) t.deepEqual(copiesOf(p).map((c) => c!.values), objects.map((o) => o.values), `${name}: ${p.node.host!.peerId} has the host's values`);
  }
  t.deepEqual(objects[0]!.values[0], quantize(0, [100, -100, 100]));
  // Clustered values take fewer bits than the declared 36 per position; repeated ones fewer still.
  t.true(bytes.get('clustered')! < bytes.get('the ends of the range')! * 0.8, JSON.stringify([...bytes]));
  t.true(bytes.get('all the same')! < bytes.get('clustered')!, JSON.stringify([...bytes]));
});

test('an update whose frame is wider than its type is dropped and counted; the objects keep their values', (t) => {
  const { host, clients, objects, frame, copiesOf } = startSession(vectors, 'mover', [[1, 2, 3], 4, [0, 0, 0], [0, 0, 1], [5, 6, 7]], 3, 1);
  const [client] = clients;
  const before = client!.node.malformedMessages;
  // Entry count 1 + 1 (gamma: 010), one mask, then the first framable type (position, 12 bits) framed with a 13-bit width.
  const w = new BitWriter();
  w.writeBits(SessionMessage.Update, 8);
  w.writeGamma(2);
  w.writeBits(1, 1);
  w.writeBits(1, 1);
  w.writeBits(0, 12);
  w.writeBits(13, 5);
  client!.node.send(host.node.host!.peerId, Service.Session, w.finish(), false, 'hostile');
  host.node.send(client!.node.host!.peerId, Service.Session, w.finish(), false, 'hostile');
  for (let i = 0; i < 10; i++) frame();
  t.is(client!.node.malformedMessages - before, 1);
  t.is(host.node.malformedMessages, 1);
  t.deepEqual(copiesOf(client!).map((c) => c!.values), objects.map((o) => o.values));
});

for (const action of ['migrates', 'destroys'] as const) {
  test(`the host ${action} an object while its owner writes it: the entry is skipped and the other objects of the same update messages apply`, (t) => {
    const { host, clients, frame } = startSession(vectors, 'mover', [], 0, 1, 'latency=100ms');
    const client = clients[0]!;
    const type = vectors.objects.get('mover')!;
    const values = [[1, 2, 3], 4, [0, 0, 0], [0, 0, 1], [5, 6, 7]].map((v, f) => type.fields[f]!.type.quantize(v as never));
    for (let i = 0; i < 60 && client.session.role === 'none'; i++) frame();
    const [x, y] = [client.session.createObject(type, values), client.session.createObject(type, values)];
    for (let i = 0; i < 60 && !host.session.objects.has(y.id); i++) frame();
    const hostX = host.session.objects.get(x.id)!;
    if (action === 'migrates') host.session.migrate(hostX, host.node.host!.peerId);
    else host.session.destroyObject(hostX);
    // The owner writes both in every frame until it hears x is no longer its to write.
    let last = 0;
    for (let i = 1; i <= 15; i++) {
      if (x.owner === client.session.self && !x.destroyed) {
        client.session.setField(x, 1, i);
        client.session.setField(y, 1, i);
        last = i;
      }
      frame();
    }
    t.true(last > 1, 'the owner wrote while the news was on its way');
    t.is(host.session.objects.get(y.id)!.values[1], last);
    t.true(host.session.skippedUpdateEntries > 0);
    t.is(host.node.malformedMessages, 0);
  });
}

test('when bandwidth is short, an object\'s priority towards one peer puts it first for that peer only', (t) => {
  // More changes than one update message holds, and bandwidth for about one message in three frames.
  const count = 300;
  const { host, clients, objects, frame, copiesOf } = startSession(vectors, 'mover', [[0, 0, 0], 0, [0, 0, 0], [0, 0, 1], [0, 0, 0]], count, 2);
  const [first, second] = clients as [(typeof clients)[0], (typeof clients)[0]];
  // Each half of the objects matters more to one of the clients.
  objects.forEach((object, k) => (object.peerPriority = new Map([[(k < count / 2 ? first : second).node.host!.peerId, 20]])));
  Object.assign(host.node.qos, { enabled: true, minPeerKbps: 64, initialPeerKbps: 64, maxPeerKbps: 64, maxTotalKbps: Infinity });
  host.node.host!.applyQos();
  const fresh = new Map([first, second].map((client) => [client, [0, 0] as [number, number]]));
  for (let f = 1; f <= 90; f++) {
    // A new value every third frame: a copy that is sent promptly matches for two frames of three.
    if (f % 3 === 0) objects.forEach((object, k) => host.session.setField(object, 0, object.type.fields[0]!.type.quantize([((k * 37 + f * 11) % 200) - 100, ((k * 53 + f * 7) % 200) - 100, ((k * 19 + f * 29) % 200) - 100] as never)));
    frame();
    for (const client of [first, second]) {
      copiesOf(client).forEach((copy, k) => {
        if (JSON.stringify(copy!.values[0]) === JSON.stringify(objects[k]!.values[0])) fresh.get(client)![k < count / 2 ? 0 : 1]!++;
      });
    }
  }
  const [firstOwn, firstOther] = fresh.get(first)!;
  const [secondOther, secondOwn] = fresh.get(second)!;
  t.true(firstOwn > 2 * firstOther, `the first client had its objects fresh ${firstOwn} times, the others ${firstOther}`);
  t.true(secondOwn > 2 * secondOther, `the second client had its objects fresh ${secondOwn} times, the others ${secondOther}`);
});

test('one client on a lossy link gets every change resent to it alone: the clients on perfect links get the same bytes as when every link is perfect', (t) => {
  const run = (lossyFirst: boolean) => {
    const { host, clients, objects, frame, copiesOf, network } = startSession(wide, 'wide', new Array(FIELDS).fill(0), 40, 3);
    if (lossyFirst) network.setLinkConditions(host.node.host!.port, clients[0]!.node.host!.port, parseLinkConditions('loss=0.3'));
    const sentTo = (client: (typeof clients)[0]) => host.node.host!.connectionTo(client.node.host!.peerId)!.stats.bytesSent;
    const before = clients.map(sentTo);
    for (let f = 0; f < 40; f++) {
      objects.forEach((object, k) => host.session.setField(object, (f + k) % FIELDS, (f * 13 + k) % 256));
      frame();
    }
    for (let i = 0; i < 150; i++) frame();
    for (const p of clients) t.deepEqual(copiesOf(p).map((c) => c!.values), objects.map((o) => o.values), `${p.node.host!.peerId} has the host's values (lossy first client: ${lossyFirst})`);
    return clients.map((client, i) => sentTo(client) - before[i]!);
  };
  const perfect = run(false);
  const lossy = run(true);
  t.true(lossy[0]! > perfect[0]!, `the lossy client was sent more (${lossy[0]} bytes against ${perfect[0]})`);
  t.deepEqual(lossy.slice(1), perfect.slice(1), 'the other clients were sent the same bytes');
});
