/**
 * LAN lobby discovery datagrams. A browser broadcasts a query to the lobby port; every lobby owner
 * listening there answers with a unicast reply carrying the lobby's id, the owner's game port (joins
 * go there: several processes may share the lobby port, but a unicast to a shared port reaches only
 * one of them), the member counts and the lobby data.
 *
 *   query: prefix 0x06, magic "SRN3" (u32 LE), kind 1, nonce u32
 *   reply: prefix 0x06, magic, kind 2, nonce u32, lobby id u64, game port u16, owner peer u64,
 *          max members u16, members u16, data count varint, then per key: key, value (varint length + UTF-8)
 */
import { ByteReader, MalformedError } from '../wire/byte_reader.js';
import { ByteWriter } from '../wire/byte_writer.js';
import { PROTOCOL_MAGIC, PacketType } from '../transport/packet.js';

export interface DiscoveryQuery {
  readonly kind: 'query';
  readonly nonce: number;
}

export interface DiscoveryReply {
  readonly kind: 'reply';
  readonly nonce: number;
  readonly lobbyId: bigint;
  readonly gamePort: number;
  readonly owner: bigint;
  readonly maxMembers: number;
  readonly members: number;
  readonly data: ReadonlyMap<string, string>;
}

/** The largest reply: the largest UDP payload. Lobby data beyond it is refused by set_data. */
export const MAX_DISCOVERY_REPLY_BYTES = 65507;

function header(w: ByteWriter, kind: number, nonce: number): void {
  w.u8(PacketType.Discovery);
  w.u32(PROTOCOL_MAGIC);
  w.u8(kind);
  w.u32(nonce);
}

export function encodeDiscoveryQuery(nonce: number): Uint8Array {
  const w = new ByteWriter(10);
  header(w, 1, nonce);
  return w.done();
}

export function encodeDiscoveryReply(reply: Omit<DiscoveryReply, 'kind'>): Uint8Array {
  const w = new ByteWriter(64);
  header(w, 2, reply.nonce);
  w.u64(reply.lobbyId);
  w.u16(reply.gamePort);
  w.u64(reply.owner);
  w.u16(reply.maxMembers);
  w.u16(reply.members);
  w.varint(reply.data.size);
  for (const [key, value] of reply.data) {
    w.longText(key);
    w.longText(value);
  }
  return w.done();
}

/** Throws MalformedError for anything that is not a well-formed discovery datagram. */
export function decodeDiscovery(bytes: Uint8Array): DiscoveryQuery | DiscoveryReply {
  const r = new ByteReader(bytes);
  if (r.u8() !== PacketType.Discovery || r.u32() !== PROTOCOL_MAGIC) throw new MalformedError('not a lobby discovery datagram');
  const kind = r.u8();
  const nonce = r.u32();
  if (kind === 1) {
    r.end();
    return { kind: 'query', nonce };
  }
  if (kind !== 2) throw new MalformedError(`unknown discovery kind ${kind}`);
  const lobbyId = r.u64();
  const gamePort = r.u16();
  const owner = r.u64();
  const maxMembers = r.u16();
  const members = r.u16();
  const count = r.varint();
  const data = new Map<string, string>();
  for (let i = 0; i < count; i++) data.set(r.longText(), r.longText());
  r.end();
  return { kind: 'reply', nonce, lobbyId, gamePort, owner, maxMembers, members, data };
}
