import test from 'ava';
import { BitWriter } from '../src/core/wire/bit_writer.js';
import { MAX_CONNECTIONS } from '../src/core/transport/host.js';
import { encodeConnectRequest } from '../src/core/transport/packet.js';
import { numbered, numberOf, SimulatedPeers } from './helpers/transport.js';

test('replayed and truncated packets are dropped and counted; nothing is delivered twice', (t) => {
  const peers = new SimulatedPeers();
  const a = peers.add('a1');
  const b = peers.add('b2');
  const [ab, ba] = peers.connect(a, b);
  // Record what a sends, by wrapping its socket.
  const sent: Uint8Array[] = [];
  const send = a.host.socket.send.bind(a.host.socket);
  a.host.socket.send = (data, to) => {
    sent.push(data.slice());
    send(data, to);
  };
  for (let i = 0; i < 20; i++) ab.sendReliable(numbered(i, 100), 't');
  peers.run(30);
  t.is(b.received.length, 20);
  const duplicatesBefore = ba.stats.duplicatePackets;
  const malformedBefore = b.host.drops.malformed;
  // A hostile copy of a's traffic: every packet again, and every packet cut short.
  const captured = sent.slice();
  for (const packet of captured) send(packet, b.host.socket.local);
  for (const packet of captured) if (packet.length > 4) send(packet.subarray(0, packet.length - 3), b.host.socket.local);
  peers.run(30);
  t.is(b.received.length, 20, 'nothing delivered twice');
  t.true(ba.stats.duplicatePackets - duplicatesBefore >= captured.length, `${ba.stats.duplicatePackets - duplicatesBefore} duplicates of ${captured.length} packets`);
  t.true(b.host.drops.malformed - malformedBefore > 0, 'truncated packets counted as malformed');
  t.is(ba.state, 'connected');
  ab.sendReliable(numbered(99, 10), 't');
  peers.run(10);
  t.is(numberOf(b.received.at(-1)!), 99, 'the connection still works');
});

test('a flood of forged connection requests gets challenges no larger than the requests and no state; players connect during it', (t) => {
  const peers = new SimulatedPeers();
  const victim = peers.add('a1');
  const friend = peers.add('b2');
  const [, friendToVictim] = peers.connect(victim, friend);
  // Requests from many addresses need many sockets; the simulator gives them cheaply. Their senders
  // never answer a challenge, as a spoofer does not receive at the address it claims.
  const sockets = Array.from({ length: MAX_CONNECTIONS + 100 }, () => peers.network.bind({ port: 0 }));
  let requestBytes = 0;
  let replyBytes = 0;
  const flood = (): void =>
    sockets.forEach((socket, i) => {
      const request = encodeConnectRequest({ from: BigInt(0x1000 + i), to: 0n, configHash: 0x00112233445566aan, salt: 1 });
      requestBytes += request.length;
      socket.send(request, victim.host.socket.local);
    });
  flood();
  let delivered = 0;
  const newcomer = peers.add('c3');
  newcomer.host.connect(victim.host.socket.local, 'a1');
  peers.run(30, () => false, () => {
    friendToVictim.sendReliable(numbered(delivered++, 50), 'game');
    if (delivered % 10 === 0) flood();
  });
  for (const socket of sockets) for (const reply of socket.receive()) replyBytes += reply.data.length;
  t.is([...victim.host.connections()].length, 2, 'only the friend and the newcomer hold a connection');
  t.is(newcomer.host.connectionTo('a1')?.state, 'connected', 'a real player connected during the flood');
  t.true(victim.host.drops.challenged >= sockets.length);
  t.true(replyBytes > 0 && replyBytes <= requestBytes, `${replyBytes} bytes answered to ${requestBytes} bytes of requests`);
  t.is(friendToVictim.state, 'connected');
  peers.run(3);
  t.is(victim.received.length, delivered, 'the friend\'s messages all arrived during the flood');
});

test('a peer sending an RPC with an array longer than its max_size, or garbage for a session, is dropped and counted', async (t) => {
  const { NetworkNode } = await import('../src/core/transport/network_node.js');
  const { LanClient } = await import('../src/core/lobby/lan_client.js');
  const { GameSession } = await import('../src/core/session/game_session.js');
  const { NetworkConfig } = await import('../src/core/config/network_config.js');
  const { Random } = await import('../src/core/base/random.js');
  const { Rpc } = await import('../src/core/session/rpc.js');
  const config = new NetworkConfig(
    'x',
    `reliable_send_buffer_size = 32768
     reliable_receive_buffer_size = 32768
     types = { small = { type = "int" min = 0 max = 7 } list = { type = "array" element = "small" max_size = 4 } }
     messages = { rpc_list = { args = ["list"] session_bound = false } }`,
  );
  const peers = new SimulatedPeers();
  const make = (id: string, seed: number) => {
    const node = new NetworkNode({ network: peers.network, clock: peers.clock, random: new Random(seed) });
    const client = new LanClient(node, config, 0, id);
    const events: import('../src/core/session/script_event.js').ScriptEvent[] = [];
    return { node, client, events, session: new GameSession(node, config, events), rpc: new Rpc(node, config, client.channels, events, () => false) };
  };
  const victim = make('a1', 1);
  const hostile = make('b2', 2);
  victim.client.createLobby(undefined, 4);
  const frame = () => {
    peers.clock.advance(1 / 30);
    for (const p of [victim, hostile]) p.client.update();
    for (const p of [victim, hostile]) p.client.transmit();
  };
  frame();
  hostile.client.joinLobby(`127.0.0.1:${victim.node.host!.port}`, undefined);
  for (let i = 0; i < 60; i++) frame();
  // RPC rpc_list with a length field of 7 (max_size is 4): message index 0 (1 bit), not on a channel, length 7 in 3 bits.
  const w = new BitWriter();
  w.writeBits(0, config.messageIndexBits);
  w.writeBits(0, 1);
  w.writeBits(7, 3);
  for (let i = 0; i < 7; i++) w.writeBits(1, 3);
  hostile.node.send('a1', 4 /* Service.Rpc */, w.finish(), true, 'hostile');
  hostile.node.send('a1', 3 /* Service.Session */, new Uint8Array([99, 1, 2]), true, 'hostile');
  hostile.node.send('a1', 9 as never, new Uint8Array([1]), true, 'hostile');
  for (let i = 0; i < 10; i++) frame();
  t.is(victim.node.malformedMessages, 3);
  t.deepEqual(victim.events, [], 'no RPC reached the script');
  t.is(victim.node.host!.connectionTo('b2')?.state, 'connected');
});

/** `a`'s packets to `b` from now on, recorded as sent (the source is then a's own address). */
function recordSends(from: { host: { socket: { send: (data: Uint8Array, to: import('../src/core/transport/datagram_socket.js').Endpoint) => void } } }): { sent: Uint8Array[]; send: (data: Uint8Array, to: import('../src/core/transport/datagram_socket.js').Endpoint) => void } {
  const sent: Uint8Array[] = [];
  const send = from.host.socket.send.bind(from.host.socket);
  from.host.socket.send = (data, to) => {
    sent.push(data.slice());
    send(data, to);
  };
  return { sent, send };
}

test('a connection request from the address of a live connection does not replace it', (t) => {
  const peers = new SimulatedPeers();
  const victim = peers.add('a1');
  const friend = peers.add('b2');
  const [victimToFriend, friendToVictim] = peers.connect(victim, friend);
  // Injected with the friend's source address: a new salt, the friend's id, then another peer's id.
  for (const from of [0xb2n, 0xc3n]) friend.host.socket.send(encodeConnectRequest({ from, to: 0n, configHash: 0x00112233445566aan, salt: 777 }), victim.host.socket.local);
  let sent = 0;
  peers.run(30, () => false, () => friendToVictim.sendReliable(numbered(sent++, 50), 'game'));
  peers.run(5);
  t.is(victim.host.drops.liveAddress, 2);
  t.is(victim.host.connectionTo('b2'), victimToFriend, 'the live connection is kept');
  t.is(victim.host.connectionTo('c3'), undefined);
  t.is(victim.received.length, sent, 'every message of the friend arrived');
});

test('a data packet with a sequence far ahead of the window is dropped and counted; later real packets still arrive', (t) => {
  const peers = new SimulatedPeers();
  const victim = peers.add('a1');
  const friend = peers.add('b2');
  const [victimToFriend, friendToVictim] = peers.connect(victim, friend);
  const { sent, send } = recordSends(friend);
  friendToVictim.sendReliable(numbered(0, 20), 'game');
  peers.run(3);
  const forged = sent.find((p) => p[0]! % 8 === 4)!.slice();
  const view = new DataView(forged.buffer);
  view.setUint16(3, (view.getUint16(3, true) + 20000) % 65536, true);
  send(forged, victim.host.socket.local);
  let n = 1;
  peers.run(30, () => false, () => friendToVictim.sendReliable(numbered(n++, 50), 'game'));
  peers.run(5);
  t.is(victimToFriend.stats.sequenceJumps, 1);
  t.is(victim.received.length, n, 'every real message arrived after the forged packet');
  t.is(victimToFriend.state, 'connected');
});

test('a LAN browser flooded with 10,000 fake lobby replies keeps at most its caps and counts the rest', async (t) => {
  const { LanLobbyBrowser, MAX_LOBBIES_PER_ADDRESS } = await import('../src/core/lobby/lan_lobby_browser.js');
  const { decodeDiscovery, encodeDiscoveryReply } = await import('../src/core/lobby/lan_discovery.js');
  const { Random } = await import('../src/core/base/random.js');
  const peers = new SimulatedPeers();
  const lobbyPort = 4700;
  const attacker = peers.network.bind({ port: lobbyPort, shared: true });
  const found: string[] = [];
  const browser = new LanLobbyBrowser(peers.network, peers.clock, new Random(3), (lobby) => found.push(lobby.id));
  browser.refresh(lobbyPort);
  peers.clock.advance(0.01);
  const [query] = attacker.receive();
  const { nonce } = decodeDiscovery(query!.data);
  const data = new Map([['name', 'x'.repeat(200)]]);
  for (let i = 0; i < 10_000; i++) attacker.send(encodeDiscoveryReply({ nonce, lobbyId: BigInt(i + 1), gamePort: 1000, owner: 0xa1n, maxMembers: 4, members: 1, data }), query!.from);
  peers.clock.advance(0.01);
  browser.update();
  peers.clock.advance(1);
  browser.update();
  t.is(browser.lobbyCount(), MAX_LOBBIES_PER_ADDRESS, 'one address lists at most its cap');
  t.is(found.length, MAX_LOBBIES_PER_ADDRESS);
  t.is(browser.overLimit, 10_000 - MAX_LOBBIES_PER_ADDRESS);
  browser.close();
});
