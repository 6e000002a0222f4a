/**
 * Fuzzing of every parser that reads untrusted bytes or text: random and mutated inputs, each of
 * which must be accepted or refused with the parser's own error, within a time bound, without the
 * process's memory growing without bound. Prints, per target, how many inputs were accepted and
 * refused. The test suite runs a small count; the nightly-size run is
 *
 *   node --import=tsx scripts/fuzz.ts [inputs per target, default 1000000] [seed] [target...]
 */
import { fileURLToPath } from 'node:url';
import { BitReader } from '../src/core/wire/bit_reader.js';
import { MalformedError } from '../src/core/wire/byte_reader.js';
import { ManualClock } from '../src/core/base/clock.js';
import { GameSession } from '../src/core/session/game_session.js';
import { LanClient } from '../src/core/lobby/lan_client.js';
import { decodeDiscovery, encodeDiscoveryQuery, encodeDiscoveryReply } from '../src/core/lobby/lan_discovery.js';
import { NetworkConfig, NetworkConfigError } from '../src/core/config/network_config.js';
import { NetworkNode, Service } from '../src/core/transport/network_node.js';
import { NetworkSimulator } from '../src/core/transport/network_simulator.js';
import { DataPacketBuilder, decodePacket, DenyReason, encodeConnectAccept, encodeConnectChallenge, encodeConnectDeny, encodeConnectRequest, encodeDisconnect, PacketError, RecordKind } from '../src/core/transport/packet.js';
import { parseServiceMessage, ProtocolError, type ServiceMessage } from '../src/core/platform/platform_protocol.js';
import { PlatformService, type ServiceConnection } from '../src/core/platform/platform_service.js';
import { Random } from '../src/core/base/random.js';
import { Rpc } from '../src/core/session/rpc.js';
import type { ScriptEvent } from '../src/core/session/script_event.js';
import { SjsonError } from '../src/core/config/sjson.js';

/** An input taking longer than this counts as a hang. */
const SLOW_MS = 250;

export interface FuzzResult {
  target: string;
  inputs: number;
  accepted: number;
  refused: number;
  slowest: number;
  heapGrowthMb: number;
}

interface Target {
  name: string;
  /** Valid inputs to mutate. */
  seeds: Uint8Array[];
  /** Feed one input; return true when accepted. Throw only the target's own refusal errors. */
  feed(input: Uint8Array): boolean;
  refusal(error: unknown): boolean;
  /** Targets that deliver inputs later (messages): called at the end, returns how many were refused. */
  finish?(): number;
  /** A mutation that knows the input's structure (JSON targets); the byte mutation otherwise. */
  mutate?(seed: Uint8Array, random: Random): Uint8Array;
}

const text = new TextEncoder();
const CONFIG_TEXT = `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  id = { type = "int" min = 0 max = 65535 }
  position = { type = "vector3" min = -100 max = 100 bits = 16 tolerance = 0.01 }
  rotation = { type = "quaternion" bits = 12 }
  name = { type = "string" }
  ids = { type = "array" element = "id" max_size = 8 }
}
objects = { unit = { fields = [ { name = "position" type = "position" } { name = "rotation" type = "rotation" } ] } }
messages = { rpc_a = { args = ["id" "name" "ids"] session_bound = false } }`;

function packetSeeds(): Uint8Array[] {
  const data = new DataPacketBuilder(1200, 1, 5, 3, 0xfffffffe);
  data.add(RecordKind.Reliable, 7, false, new Uint8Array([1, 2, 3]));
  data.add(RecordKind.Reliable, 8, true, new Uint8Array(40));
  data.add(RecordKind.Unreliable, 0, false, new Uint8Array([9, 9]));
  return [
    encodeConnectRequest({ from: 0xa1n, to: 0xb2n, configHash: 1n, salt: 3 }),
    encodeConnectAccept({ from: 0xa1n, to: 0xb2n, salt: 3 }),
    encodeConnectDeny({ from: 0xa1n, salt: 3, reason: DenyReason.Full }),
    encodeConnectChallenge({ salt: 3, cookie: new Uint8Array(8) }),
    encodeDisconnect(1, 'bye'),
    data.finish(),
  ];
}

/** A victim peer connected to a hostile one; message bodies for a service go to the victim. */
function messageTarget(name: string, service: Service, seeds: Uint8Array[]): Target {
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, 1);
  const config = new NetworkConfig('fuzz', CONFIG_TEXT);
  const make = (id: string, seed: number) => {
    const node = new NetworkNode({ network, clock, random: new Random(seed) });
    const client = new LanClient(node, config, 0, id);
    const events: ScriptEvent[] = [];
    const session = new GameSession(node, config, events);
    new Rpc(node, config, client.channels, events, () => session.inSession());
    return { node, client, session, events };
  };
  const victim = make('a1', 1);
  const hostile = make('b2', 2);
  victim.client.createLobby(undefined, 4);
  victim.session.makeHost();
  const frame = () => {
    clock.advance(1 / 30);
    for (const p of [victim, hostile]) p.client.update();
    for (const p of [victim, hostile]) {
      p.session.transmit();
      p.client.transmit();
    }
    victim.events.length = 0;
  };
  frame();
  hostile.client.joinLobby(`127.0.0.1:${victim.node.host!.port}`, undefined);
  for (let i = 0; i < 30; i++) frame();
  if (!victim.node.isConnected('b2')) throw new Error(`${name}: the hostile peer did not connect`);
  let queued = 0;
  const malformedBefore = victim.node.malformedMessages;
  return {
    name,
    seeds,
    feed(input) {
      // Reliable, so every input arrives; a batch per frame, as a hostile peer would send them.
      hostile.node.send('a1', service, input, true, 'fuzz');
      if (++queued % 50 === 0) frame();
      return true;
    },
    refusal: () => false,
    finish() {
      for (let i = 0; i < 10; i++) frame();
      if (!victim.node.isConnected('b2')) throw new Error(`${name}: the victim lost its connection`);
      return victim.node.malformedMessages - malformedBefore;
    },
  };
}

const json = (value: unknown): Uint8Array => text.encode(JSON.stringify(value));

/** Strings JSON mutations put in: object member names, empty and long ones, ids, addresses, enum values. */
const JSON_STRINGS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'x'.repeat(5000), '0', '186000000000001', '110000100000001', '140000000000001', '127.0.0.1:27016', 'steam_lobby', 'steam_server', 'public', 'private', 'equal', 'less', 'host', 'hello', 'create', 'find', 'update'];
const JSON_NUMBERS = [0, -1, 1, 1.5, 65535, 65536, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, 0.1];

/** A random JSON value, nested at most `depth` deep. */
function randomJson(random: Random, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
  const choice = random.next();
  if (choice < 0.3) return pick(JSON_STRINGS);
  if (choice < 0.5) return pick(JSON_NUMBERS);
  if (choice < 0.6) return pick([true, false, null]);
  if (depth <= 0 || choice < 0.8) return pick(JSON_STRINGS);
  if (choice < 0.9) return Array.from({ length: Math.floor(random.next() * 4) }, () => randomJson(random, depth - 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random.next() * 4) }, () => [pick(JSON_STRINGS), randomJson(random, depth - 1)]));
}

/** Mutate a JSON text's structure: replace, delete or add members and elements anywhere in it; now and then its bytes instead. */
function mutateJson(seed: Uint8Array, random: Random): Uint8Array {
  if (random.next() < 0.25) return mutate(seed, random);
  const root = JSON.parse(new TextDecoder().decode(seed)) as unknown;
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const collect = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    containers.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) collect(child);
  };
  collect(root);
  const edits = 1 + Math.floor(random.next() * 3);
  for (let i = 0; i < edits && containers.length > 0; i++) {
    const target = containers[Math.floor(random.next() * containers.length)]!;
    const keys = Object.keys(target);
    const key = keys.length > 0 && random.next() < 0.7 ? keys[Math.floor(random.next() * keys.length)]! : JSON_STRINGS[Math.floor(random.next() * JSON_STRINGS.length)]!;
    const choice = random.next();
    if (Array.isArray(target)) {
      if (choice < 0.3) target.splice(Math.floor(random.next() * (target.length + 1)), 0, randomJson(random, 2));
      else if (choice < 0.5) target.splice(Math.floor(random.next() * target.length), 1);
      else if (target.length > 0) target[Math.floor(random.next() * target.length)] = randomJson(random, 2);
    } else if (choice < 0.25) {
      delete target[key];
    } else {
      Object.defineProperty(target, key, { value: randomJson(random, 2), enumerable: true, configurable: true, writable: true });
    }
  }
  return json(root);
}

/** The fuzzing process's platform secret (what a client's hello carries). */
const FUZZ_SECRET = 'f0'.repeat(16);

/** Valid requests of every operation, on the lobbies and users platformTarget sets up. */
function requestSeeds(): Uint8Array[] {
  const steamLobby = { kind: 'steam_lobby', type: 'public', maxMembers: 4, name: 'l', data: { mode: 'ffa', level: '3' } };
  const server = { queryAddress: '0.0.0.0:27017', gameAddress: '', map: 'dm1', gameDescription: 'd', gamedir: 'g', version: '1', dedicated: true, tags: 'a,b', password: false, appId: 0, bots: 0 };
  const query = { kind: 'steam_lobby', filters: [{ key: 'mode', value: 'ffa', comparison: 'equal' }], near: [{ key: 'level', value: 2 }], slots: 1, limit: 10 };
  return [
    { id: 1, op: 'hello', platform: 'steam', user: '110000100000009', secret: FUZZ_SECRET, host: '127.0.0.1', port: 5009, name: 'n' },
    { id: 2, op: 'create', lobby: steamLobby },
    { id: 3, op: 'create', lobby: { kind: 'steam_server', type: 'public', maxMembers: 2, name: 's', data: {}, server }, password: 'p' },
    { id: 4, op: 'join', lobby: '186000000000001', password: 'p' },
    { id: 5, op: 'join_server', address: '127.0.0.1:27016', password: 'secret' },
    { id: 6, op: 'leave', lobby: '186000000000001' },
    { id: 7, op: 'update', lobby: '186000000000001', data: { mode: 'duel' }, maxMembers: 3, gameSessionHost: '110000100000001', type: 'private', name: 'n', removeMember: '110000100000002' },
    { id: 8, op: 'update', lobby: '140000000000001', server: { map: 'dm2', tags: 'c' } },
    { id: 9, op: 'find', query },
    { id: 10, op: 'find', query: { ...query, kind: 'steam_server' } },
    { id: 11, op: 'lookup', lobby: '186000000000001' },
    { id: 12, op: 'resolve', user: '110000100000002' },
  ].map(json);
}

/**
 * The platform service's request parser and handler, as `stingray-net platform` runs them for
 * every line a client sends: each input goes to one of a signed-in Steam user (host of a lobby
 * with a member), that member, a Steam game server with a player, or a connection not signed in.
 * Every input must get exactly one answer; refused ones are those counted as malformed. The
 * service starts afresh every 1000 inputs, so what accepted inputs create stays bounded.
 */
function platformTarget(): Target {
  let service: PlatformService;
  let connections: { connection: ServiceConnection; answers: number }[];
  let malformed = 0;
  let fed = 0;
  const reset = (): void => {
    if (service) malformed += service.malformedRequests;
    service = new PlatformService();
    connections = [];
    const open = (hello: object | undefined) => {
      const entry = { connection: service.connect((message) => 're' in message && entry.answers++), answers: 0 };
      if (hello) service.receive(entry.connection, JSON.stringify({ id: 0, op: 'hello', secret: FUZZ_SECRET, host: '127.0.0.1', name: 'fuzz', ...hello }));
      connections.push(entry);
      return entry.connection;
    };
    const host = open({ platform: 'steam', user: '110000100000001', port: 5001 });
    const member = open({ platform: 'steam', user: '110000100000002', port: 5002 });
    const server = open({ platform: 'steam_server', user: '140000000000001', port: 5003 });
    open(undefined);
    const send = (connection: ServiceConnection, request: object) => service.receive(connection, JSON.stringify({ id: 0, ...request }));
    send(host, { op: 'create', lobby: { kind: 'steam_lobby', type: 'public', maxMembers: 4, name: 'l', data: { mode: 'ffa' } } });
    send(member, { op: 'join', lobby: '186000000000001' });
    send(server, { op: 'create', lobby: { kind: 'steam_server', type: 'public', maxMembers: 2, name: 's', data: {}, server: { queryAddress: '127.0.0.1:27016', gameAddress: '', map: 'dm1', gameDescription: '', gamedir: 'g', version: '1', dedicated: true, tags: '', password: true, appId: 0, bots: 0 } }, password: 'secret' });
    send(member, { op: 'join_server', address: '127.0.0.1:27016', password: 'secret' });
    if (service.malformedRequests !== 0) throw new Error('platform-request: the setup was refused');
  };
  reset();
  return {
    name: 'platform-request',
    seeds: requestSeeds(),
    mutate: mutateJson,
    feed(input) {
      if (fed % 1000 === 0 && fed > 0) reset();
      const entry = connections[fed++ % connections.length]!;
      const before = entry.answers;
      service.receive(entry.connection, new TextDecoder().decode(input));
      if (entry.answers !== before + 1) throw new Error(`platform-request: ${entry.answers - before} answers to one request`);
      return true;
    },
    refusal: () => false,
    finish: () => malformed + service.malformedRequests,
  };
}

/** What the service sends a client: answers carrying lobby views, failures, pushes. */
function serviceMessageSeeds(): Uint8Array[] {
  const view = {
    id: '186000000000001',
    kind: 'steam_lobby',
    type: 'public',
    name: '',
    owner: '110000100000001',
    maxMembers: 4,
    members: [{ peer: '110000100000001', address: '127.0.0.1:5001', name: 'a' }, { peer: '110000100000002', address: '127.0.0.1:5002', name: 'b', xuid: '2' }],
    data: { host: '110000100000001', mode: 'ffa' },
    gameSessionHost: null,
  };
  const server = { ...view, id: '140000000000001', kind: 'steam_server', owner: '140000000000001', gameSessionHost: '110000100000001', server: { queryAddress: '127.0.0.1:27016', gameAddress: '127.0.0.1:5003', map: 'dm1', gameDescription: '', gamedir: 'g', version: '1', dedicated: true, tags: '', password: true, appId: 0, bots: 0 } };
  return [
    { re: 1, ok: true },
    { re: 2, ok: true, lobby: view },
    { re: 3, ok: true, lobbies: [view, server] },
    { re: 4, ok: false, code: 'full', error: 'lobby is full' },
    { push: 'lobby', lobby: { ...view, template: 't', keywords: ['k'], handle: 'h' } },
    { push: 'removed', lobby: '186000000000001', reason: 'kicked' },
    { push: 'invite', from: '110000100000001', handle: 'h', text: 'join us' },
  ].map(json);
}

function serviceMessageTarget(): Target {
  return {
    name: 'platform-message',
    seeds: serviceMessageSeeds(),
    mutate: mutateJson,
    feed: (input) => (parseServiceMessage(JSON.parse(new TextDecoder().decode(input))) satisfies ServiceMessage, true),
    refusal: (e) => e instanceof ProtocolError || e instanceof SyntaxError,
  };
}

export function targets(): Target[] {
  const reply = encodeDiscoveryReply({ nonce: 1, lobbyId: 5n, gamePort: 4000, owner: 0xa1n, maxMembers: 4, members: 1, data: new Map([['host', 'a1']]) });
  return [
    { name: 'packet', seeds: packetSeeds(), feed: (input) => (decodePacket(input), true), refusal: (e) => e instanceof PacketError },
    { name: 'discovery', seeds: [encodeDiscoveryQuery(7), reply], feed: (input) => (decodeDiscovery(input), true), refusal: (e) => e instanceof MalformedError },
    {
      name: 'config',
      seeds: [text.encode(CONFIG_TEXT)],
      feed: (input) => (new NetworkConfig('fuzz', new TextDecoder().decode(input)), true),
      refusal: (e) => e instanceof NetworkConfigError || e instanceof SjsonError,
    },
    {
      name: 'bits',
      seeds: [new Uint8Array([0xff, 0x00, 0x12])],
      feed: (input) => {
        const r = new BitReader(input);
        while (r.bitsLeft > 0) r.readGamma();
        return true;
      },
      refusal: (e) => e instanceof MalformedError,
    },
    messageTarget('lobby-message', Service.Lobby, [new Uint8Array([1, 5, 0, 0, 0, 0, 0, 0, 0])]),
    messageTarget('session-message', Service.Session, [new Uint8Array([5, 0x03, 0x21, 0x44]), new Uint8Array([3, 1, 0, 0, 0])]),
    messageTarget('rpc-message', Service.Rpc, [new Uint8Array([0x00, 0x01, 0x02, 0x03, 0x41, 0x42])]),
    messageTarget('channel-message', Service.Channel, [new Uint8Array([1, 1, 1, 0x61, 0])]),
    platformTarget(),
    serviceMessageTarget(),
  ];
}

function mutate(seed: Uint8Array, random: Random): Uint8Array {
  const out = Array.from(seed);
  const edits = 1 + Math.floor(random.next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random.next() * (out.length + 1));
    const choice = random.next();
    if (choice < 0.4 && out.length > 0) out[at % out.length] = random.nextUint32() & 0xff;
    else if (choice < 0.6) out.splice(at, 1);
    else if (choice < 0.8) out.splice(at, 0, random.nextUint32() & 0xff);
    else out.length = Math.floor(random.next() * out.length);
  }
  return new Uint8Array(out);
}

export function fuzz(inputs: number, seed: number, only: readonly string[] = []): FuzzResult[] {
  const results: FuzzResult[] = [];
  for (const target of targets()) {
    if (only.length > 0 && !only.includes(target.name)) continue;
    const random = new Random(seed);
    const heapBefore = process.memoryUsage().heapUsed;
    const result: FuzzResult = { target: target.name, inputs, accepted: 0, refused: 0, slowest: 0, heapGrowthMb: 0 };
    for (let i = 0; i < inputs; i++) {
      const input =
        random.next() < 0.3
          ? new Uint8Array(Array.from({ length: Math.floor(random.next() * 64) }, () => random.nextUint32() & 0xff))
          : (target.mutate ?? mutate)(target.seeds[i % target.seeds.length]!, random);
      const start = performance.now();
      try {
        target.feed(input);
        result.accepted++;
      } catch (error) {
        if (!target.refusal(error)) throw new Error(`${target.name}: input ${Buffer.from(input).toString('hex')} threw ${String(error)}`);
        result.refused++;
      }
      const took = performance.now() - start;
      result.slowest = Math.max(result.slowest, took);
      if (took > SLOW_MS) throw new Error(`${target.name}: input ${Buffer.from(input).toString('hex')} took ${took.toFixed(0)} ms`);
    }
    const refusedLater = target.finish?.();
    if (refusedLater !== undefined) {
      result.refused = refusedLater;
      result.accepted = inputs - refusedLater;
    }
    result.heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    results.push(result);
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, seed, ...only] = process.argv.slice(2);
  for (const r of fuzz(Number(count ?? 1_000_000), Number(seed ?? 1), only)) {
    console.log(`${r.target.padEnd(16)} ${r.inputs} inputs: ${r.accepted} accepted, ${r.refused} refused; slowest ${r.slowest.toFixed(2)} ms; heap ${r.heapGrowthMb >= 0 ? '+' : ''}${r.heapGrowthMb.toFixed(1)} MB`);
  }
}
