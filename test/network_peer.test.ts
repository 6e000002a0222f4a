/**
 * The TypeScript API (src/api/): two NetworkPeers on real UDP over loopback, fields set and read by
 * name, events from the emitter, errors as StingrayErrors that change nothing.
 */
import test, { type ExecutionContext } from 'ava';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NetworkConfig } from '../src/core/config/network_config.js';
import { UdpNetwork } from '../src/core/transport/udp_network.js';
import { NetworkPeer } from '../src/api/network_peer.js';
import { StingrayError, type StingrayErrorCode } from '../src/api/stingray_error.js';
import type { ObjectEvent, RpcEvent } from '../src/api/peer_events.js';

const CONFIG = new NetworkConfig(
  'peer_test',
  `reliable_send_buffer_size = 32768
   reliable_receive_buffer_size = 32768
   types = {
     position = { type = "vector3" min = -100 max = 100 bits = 16 }
     health = { type = "int" min = 0 max = 100 }
     speed = { type = "float" min = 0 max = 10 bits = 8 }
     text = { type = "string" }
   }
   objects = { ball = { fields = [ { name = "position" type = "position" } { name = "health" type = "health" } ] } }
   messages = { chat = { args = ["speed" "text"] session_bound = false } }`,
);

/** Start `count` peers on loopback; closed when the test ends. */
function peers(t: ExecutionContext, count: number): NetworkPeer[] {
  const started = Array.from({ length: count }, (_, i) => NetworkPeer.start({ config: CONFIG, network: new UdpNetwork('127.0.0.1'), peerId: `${i + 1}a` }));
  t.teardown(() => started.forEach((peer) => peer.close()));
  return started;
}

/** Update every peer until `done()`, yielding to the event loop between frames so datagrams arrive (bounded). */
async function until(all: readonly NetworkPeer[], done: () => boolean, what: string): Promise<void> {
  for (let frame = 0; frame < 20_000 && !done(); frame++) {
    for (const peer of all) peer.update();
    await nextTurn();
  }
  if (!done()) throw new Error(`never happened: ${what}`);
}

/** Host and guest in one lobby and one session; the lobby states the guest was told. */
async function session(t: ExecutionContext, lobbyStates: string[] = []): Promise<[NetworkPeer, NetworkPeer]> {
  const [host, guest] = peers(t, 2) as [NetworkPeer, NetworkPeer];
  host.createLobby(2);
  host.hostSession();
  guest.on('lobbyState', ({ state }) => lobbyStates.push(state));
  guest.joinLobby(`127.0.0.1:${host.port}`);
  await until([host, guest], () => guest.lobbyState === 'joined', 'the guest joins the lobby');
  host.addPeer(guest.peerId);
  await until([host, guest], () => guest.inSession, 'the guest is in the session');
  return [host, guest];
}

function throwsCode(t: ExecutionContext, code: StingrayErrorCode, fn: () => unknown, message: RegExp): void {
  const error = t.throws(fn, { instanceOf: StingrayError, message });
  t.is(error?.code, code, error?.message);
}

test('a guest sees the host\'s object by type name, its fields by name as the host\'s setField quantized them; events come from the emitter', async (t) => {
  const lobbyStates: string[] = [];
  const [host, guest] = await session(t, lobbyStates);
  t.deepEqual(lobbyStates, ['joining', 'joined']);
  t.deepEqual(guest.lobbyMembers(), ['1a', '2a']);
  const created: ObjectEvent[] = [];
  guest.on('objectCreated', (event) => created.push(event));
  t.deepEqual(host.sessionPeers(), ['1a', '2a']);
  t.is(guest.sessionHost, '1a');

  const id = host.createObject('ball', { position: [1, 2, 3], health: 100 });
  const sent = host.setField(id, 'position', [10.123456, -5.5, 0]);
  t.not((sent as number[])[0], 10.123456, 'the value is quantized to the 16-bit grid');
  t.deepEqual(host.field(id, 'position'), sent);
  await until([host, guest], () => guest.gameObjects().some((o) => o.id === id && (o.fields['position'] as number[])[0] === (sent as number[])[0]), 'the guest sees the moved ball');

  t.deepEqual(created, [{ id, type: 'ball', peer: '1a' }]);
  t.deepEqual(guest.gameObject(id), { id, type: 'ball', owner: '1a', fields: { position: sent, health: 100 } });
});

test('RPCs by message name arrive as rpc events with their arguments quantized', async (t) => {
  const [host, guest] = await session(t);
  const received: RpcEvent[] = [];
  host.on('rpc', (event) => received.push(event));
  guest.send('chat', host.peerId, 3.3, 'hello');
  await until([host, guest], () => received.length > 0, 'the host receives the chat');
  t.is(received.length, 1);
  const [{ message, from, args }] = received as [RpcEvent];
  t.deepEqual([message, from, args[1]], ['chat', '2a', 'hello']);
  const speed = args[0] as number;
  t.true(speed !== 3.3 && Math.abs(speed - 3.3) <= 10 / 255 / 2, `3.3 on an 8-bit grid over 0..10 arrives as ${speed}`);
});

test('objectDestroyed reaches the guest with the type name, and the object is gone after it', async (t) => {
  const [host, guest] = await session(t);
  const id = host.createObject('ball', { position: [0, 0, 0], health: 1 });
  await until([host, guest], () => guest.gameObjects().length === 1, 'the guest has the ball');
  const destroyed: ObjectEvent[] = [];
  guest.on('objectDestroyed', (event) => destroyed.push(event));
  host.destroyObject(id);
  await until([host, guest], () => destroyed.length > 0, 'the guest hears of the destruction');
  t.deepEqual(destroyed, [{ id, type: 'ball', peer: '1a' }]);
  throwsCode(t, 'UNKNOWN_OBJECT', () => guest.gameObject(id), /^gameObject: no game object \d+ here/);
});

test('bad calls throw StingrayErrors with codes that name the method and the value, and change nothing', async (t) => {
  const [host, guest] = await session(t);
  const id = host.createObject('ball', { position: [1, 1, 1], health: 50 });
  await until([host, guest], () => guest.gameObjects().length === 1, 'the guest has the ball');

  throwsCode(t, 'UNKNOWN_OBJECT_TYPE', () => host.createObject('rocket', {}), /^createObject: no object type 'rocket' in peer_test \(known: ball\)$/);
  throwsCode(t, 'UNKNOWN_FIELD', () => host.createObject('ball', { position: [0, 0, 0] }), /field 'health' of 'ball' is missing/);
  throwsCode(t, 'UNKNOWN_FIELD', () => host.createObject('ball', { position: [0, 0, 0], health: 1, colour: 2 }), /has no field 'colour' \(position, health\)/);
  throwsCode(t, 'INVALID_VALUE', () => host.setFields(id, { health: 20, position: [500, 0, 0] }), /^setFields: field 'position': type 'position' \(vector3\)/);
  throwsCode(t, 'NOT_OWNER', () => guest.setField(id, 'health', 1), /^setFields: object \d+ belongs to 1a/);
  throwsCode(t, 'UNKNOWN_MESSAGE', () => guest.send('shout', host.peerId), /^send: no message 'shout'/);
  throwsCode(t, 'INVALID_VALUE', () => guest.send('chat', host.peerId, 1), /'chat' takes 2 arguments, got 1/);
  throwsCode(t, 'REFUSED', () => guest.send('chat', 'ff', 1, 'x'), /^send: no connection to peer ff$/);
  throwsCode(t, 'NOT_IN_SESSION', () => guest.addPeer('ff'), /only the host of a session adds peers/);
  t.is(host.field(id, 'health'), 50, 'the refused setFields changed no field');
  t.is(host.gameObjects().length, 1, 'no object was created by a refused call');

  guest.close();
  throwsCode(t, 'CLOSED', () => guest.update(), /^update: the peer is closed$/);
  t.notThrows(() => guest.close(), 'closing twice is nothing');
  throwsCode(t, 'REFUSED', () => NetworkPeer.start({ config: CONFIG, peerId: 'XY' }), /peerId must be 1 to 16 lowercase hex digits/);
});

test('a peer outside a session cannot create objects; the host ending the session tells the guest', async (t) => {
  const [lonely] = peers(t, 1) as [NetworkPeer];
  throwsCode(t, 'NOT_IN_SESSION', () => lonely.createObject('ball', { position: [0, 0, 0], health: 0 }), /^createObject: not in a game session/);
  const [host, guest] = await session(t);
  const ended: string[] = [];
  guest.on('sessionDisconnect', ({ peer }) => ended.push(peer));
  host.leaveSession();
  await until([host, guest], () => ended.length > 0, 'the guest is told the session ended');
  t.deepEqual(ended, ['1a']);
  t.false(guest.inSession);
});
