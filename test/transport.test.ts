import test from 'ava';
import { DataPacketBuilder } from '../src/core/transport/packet.js';
import { Random } from '../src/core/base/random.js';
import { FRAME, intact, numbered, numberOf, SimulatedPeers } from './helpers/transport.js';

/** Message sizes a game sends: mostly small, some of several MTUs. */
function sizeOf(n: number): number {
  const r = new Random(n).next();
  return r < 0.9 ? 1 + Math.floor(r * 300) : 1200 + Math.floor(r * 3000);
}

test('soak: 10,000 reliable messages through 25% loss, 25% duplication and ±100 ms jitter arrive complete, in order, once', (t) => {
  const peers = new SimulatedPeers('loss=0.25,dup=0.25,latency=120ms,jitter=100ms', 42);
  const a = peers.add('a1', { sendBuffer: 262144, receiveBuffer: 262144 });
  const b = peers.add('b2', { sendBuffer: 262144, receiveBuffer: 262144 });
  const [ab] = peers.connect(a, b);
  const COUNT = 10_000;
  let sent = 0;
  let unreliableSent = 0;
  const unreliableSeen = new Map<number, number>();
  b.received.length = 0;
  peers.run(
    60 * 30 * 10,
    () => b.received.filter((m) => m[0] !== 0xee || m.length !== 5).length >= COUNT,
    () => {
      // Queue as a game would: while the send buffer has room.
      while (sent < COUNT && ab.reliableSendBufferLeft > sizeOf(sent) + 1024) {
        ab.sendReliable(numbered(sent, sizeOf(sent)), 'soak');
        sent++;
      }
      const marker = new Uint8Array(5);
      marker[0] = 0xee;
      new DataView(marker.buffer).setUint32(1, unreliableSent++, true);
      ab.sendUnreliable(marker, 'soak');
    },
  );
  const reliable = b.received.filter((m) => !(m[0] === 0xee && m.length === 5));
  const unreliable = b.received.filter((m) => m[0] === 0xee && m.length === 5);
  for (const m of unreliable) {
    const n = new DataView(m.buffer, m.byteOffset).getUint32(1, true);
    unreliableSeen.set(n, (unreliableSeen.get(n) ?? 0) + 1);
  }
  t.is(reliable.length, COUNT);
  t.true(reliable.every((m, i) => numberOf(m) === i && intact(m, sizeOf(i))), 'in order and intact');
  t.true([...unreliableSeen.values()].every((times) => times === 1), 'unreliable messages at most once');
  t.true(unreliableSeen.size > 0 && unreliableSeen.size < unreliableSent, 'some unreliable ones were lost, as the network loses them');
  t.true(peers.simulator.stats.lost > 0 && peers.simulator.stats.duplicated > 0);
  t.is(ab.state, 'connected');
});

test('handshake: both sides know each other\'s peer id; another config is refused with a reason code that does not reveal the host\'s hash', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab, ba] = peers.connect(a, b);
  t.is(ab.peer, 'b2');
  t.is(ba.peer, 'a1');
  t.deepEqual(a.events.map((e) => e.type), ['connected']);

  const c = peers.add('c3', { configHash: 'ffffffffffffffff' });
  c.host.connect(a.host.socket.local, 'a1');
  peers.run(30);
  const refused = c.events.find((e) => e.type === 'refused');
  t.truthy(refused);
  t.is(refused!.type === 'refused' ? refused!.reason : '', `network config mismatch: a1 at 127.0.0.1:${a.host.port} does not use config hash ffffffffffffffff`);
  t.is(a.host.connectionTo('c3'), undefined);
  t.is(a.host.drops.refused, 1);
});

test('datagrams from strangers, spoofed peer ids and garbage are dropped and counted; the connection is unharmed', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab, ba] = peers.connect(a, b);
  // A third party claims to be b2 from another address.
  const impostor = peers.add('b2');
  impostor.host.connect(a.host.socket.local, 'a1');
  // Garbage and a data packet from an address with no connection.
  const stranger = peers.network.bind({ port: 0 });
  stranger.send(new Uint8Array([0x07, 1, 2, 3]), a.host.socket.local);
  stranger.send(new Uint8Array([]), a.host.socket.local);
  stranger.send(new DataPacketBuilder(1200, 0, 0, 65535, 0).finish(), a.host.socket.local);
  ab.sendReliable(numbered(1, 10), 't');
  peers.run(60);
  t.true(a.host.drops.spoofedPeerId >= 1);
  t.is(a.host.drops.malformed, 2);
  t.is(a.host.drops.unknownSender, 1);
  t.is(ab.state, 'connected');
  t.is(ba.state, 'connected');
  t.is(b.received.length, 1);
  t.true(impostor.events.some((e) => e.type === 'refused' && e.reason === 'peer id refused by a1: already connected from another address'));
});

test('keep-alives hold an idle connection; silence breaks it after the receiver-lost time, with the reason', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab] = peers.connect(a, b);
  a.settings.receiverLostTime = 5;
  b.settings.receiverLostTime = 5;
  const sentBefore = ab.stats.packetsSent;
  peers.run(30 * 20); // 20 s idle
  t.is(ab.state, 'connected');
  t.true(ab.stats.packetsSent - sentBefore >= 20 / a.settings.keepAliveTime - 2, 'keep-alives went out');
  // b goes silent: everything it sends is lost.
  peers.simulator.setLinkConditions(b.host.port, a.host.port, { loss: 1, latency: 0, jitter: 0, duplicate: 0, reorder: 0 });
  peers.run(30 * 20, () => ab.state === 'disconnected');
  t.is(ab.state, 'disconnected');
  t.is(ab.reason, 'timed out: nothing received from b2 for 5 s');
  const silence = peers.clock.now() - ab.lastReceiveTime;
  t.true(silence >= 5 && silence < 5 + 2 * FRAME, `broken ${silence} s after the last packet from b2`);
  t.true(a.events.some((e) => e.type === 'disconnected'));
});

test('keep-alives to a peer that sent nothing since our last packet go every ping resend time', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab] = peers.connect(a, b);
  a.settings.receiverLostTime = 60;
  const sentOver = (seconds: number): number => {
    const before = ab.stats.packetsSent;
    peers.run(Math.round(seconds / FRAME));
    return ab.stats.packetsSent - before;
  };
  peers.simulator.setLinkConditions(b.host.port, a.host.port, { loss: 1, latency: 0, jitter: 0, duplicate: 0, reorder: 0 });
  sentOver(1);
  a.settings.keepAliveResendTime = 2;
  const slow = sentOver(10);
  a.settings.keepAliveResendTime = 0.25;
  const fast = sentOver(10);
  t.true(slow >= 4 && slow <= 6, `${slow} keep-alives in 10 s at 2 s`);
  t.true(fast >= 36 && fast <= 41, `${fast} keep-alives in 10 s at 0.25 s`);
});

test('ping: the round-trip time converges to the link\'s', (t) => {
  const peers = new SimulatedPeers('latency=50ms');
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab] = peers.connect(a, b);
  peers.run(90, () => false, () => ab.sendUnreliable(numbered(0, 8), 't'));
  // 100 ms there and back, plus up to a frame on each side before the ack goes out.
  t.true(ab.rtt >= 0.1 && ab.rtt <= 0.1 + 3 * FRAME, `rtt ${ab.rtt}`);
});

test('the reliable send buffer falls as data queues, recovers when acknowledged; overflowing it ends the connection with a reason', (t) => {
  const peers = new SimulatedPeers('latency=30ms');
  const a = peers.add('a1', { sendBuffer: 16384 });
  const b = peers.add('b2');
  const [ab, ba] = peers.connect(a, b);
  t.is(ab.reliableSendBufferLeft, 16384);
  ab.sendReliable(numbered(0, 5000), 't');
  t.is(ab.reliableSendBufferLeft, 16384 - 5000);
  peers.run(60, () => ab.reliableSendBufferLeft === 16384);
  t.is(ab.reliableSendBufferLeft, 16384);
  t.is(b.received.length, 1);

  // b stops acknowledging anything: a's buffer fills, and the next send overflows.
  peers.simulator.setLinkConditions(b.host.port, a.host.port, { loss: 1, latency: 0, jitter: 0, duplicate: 0, reorder: 0 });
  for (let i = 0; i < 3; i++) t.true(ab.sendReliable(numbered(i, 5000), 't'));
  t.false(ab.sendReliable(numbered(9, 5000), 't'));
  t.is(ab.state, 'disconnected');
  t.regex(ab.reason, /^reliable send buffer overflow: 15000 bytes waiting for acknowledgement \+ 5000 new exceeds the 16384-byte buffer$/);
  peers.run(10);
  t.is(ba.state, 'disconnected');
  t.regex(ba.reason, /^disconnected by a1: reliable send buffer overflow/);
});

test('QoS: a peer\'s upload is held to the set rate (within 10%), and reliable data is not starved by unreliable', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1', { sendBuffer: 1 << 20 });
  const b = peers.add('b2', { sendBuffer: 1 << 20, receiveBuffer: 1 << 20 });
  const [ab] = peers.connect(a, b);
  Object.assign(a.qos, { enabled: true, minPeerKbps: 64, initialPeerKbps: 64, maxPeerKbps: 64, maxTotalKbps: Infinity });
  a.host.applyQos();
  let n = 0;
  const flood = () => {
    while (ab.reliableSendBufferLeft > 600_000) ab.sendReliable(numbered(n++, 1000), 'r');
    for (let i = 0; i < 20; i++) ab.sendUnreliable(numbered(0, 1000), 'u');
  };
  peers.run(30, () => false, flood);
  const bytesBefore = ab.stats.bytesSent;
  const reliableBefore = b.received.filter((m) => numberOf(m) > 0).length;
  const seconds = 10;
  peers.run(30 * seconds, () => false, flood);
  const rate = ((ab.stats.bytesSent - bytesBefore) * 8) / 1000 / seconds;
  t.true(Math.abs(rate - 64) / 64 <= 0.1, `measured ${rate.toFixed(1)} kbps for 64`);
  const reliableDelivered = b.received.filter((m) => numberOf(m) > 0).length - reliableBefore;
  t.true(reliableDelivered * 1000 * 8 / 1000 / seconds > 64 * 0.5, `reliable got ${reliableDelivered} messages`);
});

test('no datagram exceeds the MTU; lowering it applies to what is sent next', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1', { sendBuffer: 1 << 20 });
  const b = peers.add('b2', { receiveBuffer: 1 << 20 });
  const [ab] = peers.connect(a, b);
  for (let i = 0; i < 20; i++) ab.sendReliable(numbered(i, 3000), 't');
  peers.run(60);
  t.true(peers.network.largestDatagram <= 1200);
  t.is(b.received.length, 20);
  a.settings.mtu = 576;
  peers.network.largestDatagram = 0;
  for (let i = 0; i < 20; i++) ab.sendReliable(numbered(i, 3000), 't');
  peers.run(90);
  t.true(peers.network.largestDatagram <= 576, `largest ${peers.network.largestDatagram}`);
  t.is(b.received.length, 40);
  t.true(b.received.every((m, i) => intact(m, 3000) && numberOf(m) === i % 20));
});

test('acks cover every packet received: a quiet peer acknowledges a flood of 1 to 200 packets a frame, and nothing is declared lost on a perfect link', (t) => {
  for (const perFrame of [1, 33, 34, 83, 200]) {
    const peers = new SimulatedPeers();
    const a = peers.add('a1', { sendBuffer: 1 << 24, receiveBuffer: 1 << 24 });
    const b = peers.add('b2', { sendBuffer: 1 << 24, receiveBuffer: 1 << 24 });
    const [ab] = peers.connect(a, b);
    const before = { sent: ab.stats.packetsSent, lost: ab.stats.packetsLost };
    // One unreliable message that fills a packet, perFrame times a frame, for 30 frames; b sends nothing of its own.
    const body = new Uint8Array(ab.maxMessageBytes);
    let frames = 0;
    peers.run(30, () => false, () => {
      frames++;
      for (let i = 0; i < perFrame; i++) ab.sendUnreliable(body, 'flood');
    });
    peers.run(30);
    t.is(ab.stats.packetsSent - before.sent >= perFrame * frames, true, `${perFrame} a frame: every message went out`);
    t.is(ab.stats.packetsLost - before.lost, 0, `${perFrame} packets a frame: none declared lost`);
    t.is(b.received.length, perFrame * frames);
  }
});

test('10,000 reliable messages a frame are delivered, in order, with a send buffer large enough: the window is not the limit', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1', { sendBuffer: 1 << 22, receiveBuffer: 1 << 22 });
  const b = peers.add('b2', { sendBuffer: 1 << 22, receiveBuffer: 1 << 22 });
  const [ab] = peers.connect(a, b);
  const perFrame = 10_000;
  let n = 0;
  peers.run(10, () => false, () => {
    for (let i = 0; i < perFrame; i++) ab.sendReliable(numbered(n++, 6), 'rpc');
  });
  t.is(ab.state, 'connected');
  // Within a few frames of the last send: the window keeps up with 10,000 a frame (it used to pass 512).
  peers.run(5, () => b.received.length === n && ab.reliableQueued === 0);
  t.is(b.received.length, n);
  t.true(b.received.every((body, i) => numberOf(body) === i && intact(body, 6)));
  t.is(ab.reliableQueued, 0);

  // 1000 a frame with the examples' 32 KB send buffer: the buffer holds what is in flight.
  const c = peers.add('c3');
  const [ca] = peers.connect(c, a);
  peers.run(30, () => false, () => {
    for (let i = 0; i < 1000; i++) ca.sendReliable(numbered(i, 6), 'rpc');
  });
  t.is(ca.state, 'connected', ca.reason);
});

test('an idle connection sends keep-alives, each answered by one ack-only packet: acknowledgements are not acknowledged back', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab, ba] = peers.connect(a, b);
  peers.run(30);
  const before = { a: ab.stats.packetsSent, b: ba!.stats.packetsSent, lost: ab.stats.packetsLost + ba!.stats.packetsLost };
  const seconds = 10;
  peers.run(Math.round(seconds / FRAME));
  // Each side sends a keep-alive every keep-alive time and at most one ack-only answer to each of the
  // other's (none when its own keep-alive carries the ack): not a packet every other frame.
  const periods = seconds / a.settings.keepAliveTime;
  for (const [side, sent] of [['a1', ab.stats.packetsSent - before.a], ['b2', ba!.stats.packetsSent - before.b]] as const) {
    t.true(sent >= periods * (a.settings.keepAliveTime / (a.settings.keepAliveTime + 2 * FRAME)) - 1 && sent <= 2 * periods + 2, `${side} sent ${sent} packets in ${seconds} idle seconds (${periods} keep-alive periods)`);
  }
  t.is(ab.stats.packetsLost + ba!.stats.packetsLost - before.lost, 0, 'no keep-alive or ack is declared lost');
  t.true(ab.rtt > 0 && ba!.rtt > 0, 'both sides measure the round trip from their keep-alives');
});
