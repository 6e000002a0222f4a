/**
 * The game session's messages (service byte `Session`), all reliable except `Update`; one layout
 * (`sessionMessageLayout`) writes, reads and measures them. `Create` and `Update` carry a body the
 * ObjectReplicator lays out (bit-packed).
 *
 *   Add          host -> peer   you are in: host's peer list, a block of object ids
 *   Members      host -> peers  the session's peers changed
 *   Create       owner -> host -> peers   an object with all its field values
 *   Destroy      any -> host -> peers     an object is gone (by whom)
 *   Update       owner -> host -> peers   changed fields of several objects (unreliable, bit-packed)
 *   SyncDone     host -> peer   every object that existed when you joined was sent
 *   SyncAck      peer -> host   ... and received
 *   Leave        peer -> host   the peer wants to leave (forced: it already left)
 *   Removed      host -> peer   you are out of the session (why)
 *   IdRequest    peer -> host   more object ids please
 *   IdBlock      host -> peer   object ids start..start+count-1 are yours
 *   Migrate      host -> peers  an object has a new owner
 *   HostMigrate  host -> peers  the host role goes to another peer (which hands out ids from here on)
 */
import { MalformedError } from '../wire/byte_reader.js';
import { serializeList, serializeRest, type ByteLayout, type ByteStream } from '../wire/byte_stream.js';
import { peerIdFromBigInt, peerIdToBigInt, type PeerId } from '../base/peer_id.js';

export const enum SessionMessage {
  Add = 1,
  Members = 2,
  Create = 3,
  Destroy = 4,
  Update = 5,
  SyncDone = 6,
  SyncAck = 7,
  Leave = 8,
  Removed = 9,
  IdRequest = 10,
  IdBlock = 11,
  Migrate = 12,
  HostMigrate = 13,
}


export type SessionPacket =
  | { type: SessionMessage.Add; idStart: number; idCount: number; peers: PeerId[] }
  | { type: SessionMessage.Members; peers: PeerId[] }
  | { type: SessionMessage.Create | SessionMessage.Update; body: Uint8Array }
  | { type: SessionMessage.Destroy; id: number; by: PeerId }
  | { type: SessionMessage.SyncDone | SessionMessage.SyncAck | SessionMessage.IdRequest }
  | { type: SessionMessage.Leave; forced: boolean }
  | { type: SessionMessage.Removed; reason: string }
  | { type: SessionMessage.IdBlock; idStart: number; idCount: number }
  | { type: SessionMessage.Migrate; id: number; owner: PeerId; old: PeerId }
  | { type: SessionMessage.HostMigrate; successor: PeerId; nextBlockStart: number; peers: PeerId[] };

type Of<T extends SessionMessage> = Extract<SessionPacket, { type: T }>;

function peerId(s: ByteStream, peer: PeerId): PeerId {
  const value = s.u64(s.reading ? 0n : peerIdToBigInt(peer));
  return s.reading ? peerIdFromBigInt(value) : peer;
}

export const sessionMessageLayout: ByteLayout<SessionPacket> = (s, m) => {
  const type = s.u8(m.type) as SessionMessage;
  switch (type) {
    case SessionMessage.Add: {
      const add = m as Of<typeof type>;
      return { type, idStart: s.u32(add.idStart), idCount: s.u32(add.idCount), peers: serializeList(s, add.peers, peerId) };
    }
    case SessionMessage.Members:
      return { type, peers: serializeList(s, (m as Of<typeof type>).peers, peerId) };
    case SessionMessage.Create:
    case SessionMessage.Update:
      return { type, body: serializeRest(s, (m as Of<typeof type>).body) };
    case SessionMessage.Destroy: {
      const destroy = m as Of<typeof type>;
      return { type, id: s.u32(destroy.id), by: peerId(s, destroy.by) };
    }
    case SessionMessage.SyncDone:
    case SessionMessage.SyncAck:
    case SessionMessage.IdRequest:
      return { type };
    case SessionMessage.Leave:
      return { type, forced: s.u8((m as Of<typeof type>).forced ? 1 : 0) === 1 };
    case SessionMessage.Removed:
      return { type, reason: s.text((m as Of<typeof type>).reason) };
    case SessionMessage.IdBlock: {
      const block = m as Of<typeof type>;
      return { type, idStart: s.u32(block.idStart), idCount: s.u32(block.idCount) };
    }
    case SessionMessage.Migrate: {
      const migrate = m as Of<typeof type>;
      return { type, id: s.u32(migrate.id), owner: peerId(s, migrate.owner), old: peerId(s, migrate.old) };
    }
    case SessionMessage.HostMigrate: {
      const migrate = m as Of<typeof type>;
      return { type, successor: peerId(s, migrate.successor), nextBlockStart: s.u32(migrate.nextBlockStart), peers: serializeList(s, migrate.peers, peerId) };
    }
    default:
      throw new MalformedError(`unknown session message ${type as number}`);
  }
};
