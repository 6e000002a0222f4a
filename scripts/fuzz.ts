/**
 * Fuzzing of every parser that reads untrusted bytes or text: random and mutated inputs, each of
 * which must be accepted or refused with the parser's own error, within a time bound, without the
 * process's memory growing without bound. Prints, per target, how many inputs were accepted and
 * refused. The test suite runs a small count; the nightly-size run is
 *
 *   node --import=tsx scripts/fuzz.ts [inputs per target, default 1000000] [seed] [target...]
 */
import { fileURLToPath } from 'node:url';
import { BitReader } from '../src/core/bit_reader.js';
import { MalformedError } from '../src/core/byte_reader.js';
import { ManualClock } from '../src/core/clock.js';
import { GameSession } from '../src/core/game_session.js';
import { LanClient } from '../src/core/lan_client.js';
import { decodeDiscovery, encodeDiscoveryQuery, encodeDiscoveryReply } from '../src/core/lan_discovery.js';
import { NetworkConfig, NetworkConfigError } from '../src/core/network_config.js';
import { NetworkNode, Service } from '../src/core/network_node.js';
import { NetworkSimulator } from '../src/core/network_simulator.js';
import { DataPacketBuilder, decodePacket, encodeConnectAccept, encodeConnectDeny, encodeConnectRequest, encodeDisconnect, PacketError, RecordKind } from '../src/core/packet.js';
import { Random } from '../src/core/random.js';
import { Rpc } from '../src/core/rpc.js';
import type { ScriptEvent } from '../src/core/script_event.js';
import { SjsonError } from '../src/core/sjson.js';

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
    encodeConnectDeny({ from: 0xa1n, salt: 3, reason: 'no' }),
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
          : mutate(target.seeds[i % target.seeds.length]!, random);
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
