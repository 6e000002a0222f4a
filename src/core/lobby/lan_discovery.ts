/**
 * LAN lobby discovery datagrams. A browser broadcasts a query to the lobby port; every lobby owner
 * listening there answers with a unicast reply carrying the lobby's id, the owner's game port (joins
 * go there: several processes may share the lobby port, but a unicast to a shared port reaches only
 * one of them), the member counts and the lobby data.
 *
 *   query: prefix 0x06, magic "SRN5" (u32 LE), kind 1, nonce u32
 *   reply: prefix 0x06, magic, kind 2, nonce u32, lobby id u64, game port u16, owner peer u64,
 *          max members u16, members u16, data count varint, then per key: key, value (varint length + UTF-8)
 */
import { MalformedError } from '../wire/byte_reader.js';
import { measureMessage, readMessage, serializeTextMap, writeMessage, type ByteLayout } from '../wire/byte_stream.js';
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

/** A discovery datagram: a query, or a reply of one lobby. */
type Discovery = DiscoveryQuery | DiscoveryReply;

const QUERY = 1;
const REPLY = 2;

/** One layout writes, reads and measures both datagrams (wire/byte_stream.ts). */
const discoveryLayout: ByteLayout<Discovery> = (s, d) => {
  if (s.u8(PacketType.Discovery) !== PacketType.Discovery || s.u32(PROTOCOL_MAGIC) !== PROTOCOL_MAGIC) throw new MalformedError('not a lobby discovery datagram');
  const kind = s.u8(d.kind === 'query' ? QUERY : REPLY);
  const nonce = s.u32(d.nonce);
  if (kind === QUERY) return { kind: 'query', nonce };
  if (kind !== REPLY) throw new MalformedError(`unknown discovery kind ${kind}`);
  const reply = d as DiscoveryReply;
  return {
    kind: 'reply',
    nonce,
    lobbyId: s.u64(reply.lobbyId),
    gamePort: s.u16(reply.gamePort),
    owner: s.u64(reply.owner),
    maxMembers: s.u16(reply.maxMembers),
    members: s.u16(reply.members),
    data: serializeTextMap(s, reply.data),
  };
};

export function encodeDiscoveryQuery(nonce: number): Uint8Array {
  return writeMessage(discoveryLayout, { kind: 'query', nonce });
}

export function encodeDiscoveryReply(reply: Omit<DiscoveryReply, 'kind'>): Uint8Array {
  return writeMessage(discoveryLayout, { kind: 'reply', ...reply });
}

/** Bytes of a reply carrying `data`: what `set_data` checks against MAX_DISCOVERY_REPLY_BYTES. */
export function discoveryReplyBytes(data: ReadonlyMap<string, string>): number {
  return measureMessage(discoveryLayout, { kind: 'reply', nonce: 0, lobbyId: 0n, gamePort: 0, owner: 0n, maxMembers: 0, members: 0, data });
}

/** Throws MalformedError for anything that is not a well-formed discovery datagram. */
export function decodeDiscovery(bytes: Uint8Array): Discovery {
  return readMessage(discoveryLayout, bytes);
}
