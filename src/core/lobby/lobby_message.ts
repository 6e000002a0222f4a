/**
 * The LAN lobby's messages (service byte `Lobby`, all reliable), one layout for all of them: the
 * type byte, the lobby's id (0 from a peer joining by address, which does not know it yet), then
 * the message's fields.
 *
 *   JoinRequest  member -> owner   let me in
 *   JoinDeny     owner -> member   no (why)
 *   Snapshot     owner -> members  the whole lobby: ports, members with their data, lobby data
 *   Leave        either way        the sender left (from the owner: the lobby is gone)
 *   Kick         owner -> member   you are out (why)
 *   MemberData   member -> owner   one key of the sender's member data
 */
import { MalformedError } from '../wire/byte_reader.js';
import { serializeList, serializeTextMap, type ByteLayout, type ByteStream } from '../wire/byte_stream.js';

export const enum LobbyMessageType {
  JoinRequest = 1,
  JoinDeny = 2,
  Snapshot = 3,
  Leave = 4,
  Kick = 5,
  MemberData = 6,
}

export interface SnapshotMember {
  peer: bigint;
  /** Game endpoint as the owner sees it ("" for the owner itself). */
  address: string;
  data: Map<string, string>;
}

export type LobbyMessage =
  | { type: LobbyMessageType.JoinRequest | LobbyMessageType.Leave }
  | { type: LobbyMessageType.JoinDeny | LobbyMessageType.Kick; reason: string }
  | { type: LobbyMessageType.MemberData; key: string; value: string }
  | {
      type: LobbyMessageType.Snapshot;
      lobbyPort: number;
      maxMembers: number;
      /** The game session host's peer id, 0 for none. */
      sessionHost: bigint;
      members: SnapshotMember[];
      data: Map<string, string>;
    };

/** A lobby message and the lobby it is about. */
export interface LobbyEnvelope {
  lobbyId: bigint;
  message: LobbyMessage;
}

const snapshotMemberLayout = (s: ByteStream, m: SnapshotMember): SnapshotMember => ({
  peer: s.u64(m?.peer),
  address: s.text(m?.address),
  data: serializeTextMap(s, m?.data),
});

export const lobbyEnvelopeLayout: ByteLayout<LobbyEnvelope> = (s, e) => {
  const m = e.message ?? ({} as Partial<LobbyMessage>);
  const type = s.u8(m.type!) as LobbyMessageType;
  const lobbyId = s.u64(e.lobbyId);
  return { lobbyId, message: messageLayout(s, type, m as LobbyMessage) };
};

function messageLayout(s: ByteStream, type: LobbyMessageType, m: LobbyMessage): LobbyMessage {
  switch (type) {
    case LobbyMessageType.JoinRequest:
    case LobbyMessageType.Leave:
      return { type };
    case LobbyMessageType.JoinDeny:
    case LobbyMessageType.Kick:
      return { type, reason: s.text((m as { reason: string }).reason) };
    case LobbyMessageType.MemberData: {
      const data = m as { key: string; value: string };
      return { type, key: s.longText(data.key), value: s.longText(data.value) };
    }
    case LobbyMessageType.Snapshot: {
      const snapshot = m as Extract<LobbyMessage, { type: LobbyMessageType.Snapshot }>;
      return {
        type,
        lobbyPort: s.u16(snapshot.lobbyPort),
        maxMembers: s.u16(snapshot.maxMembers),
        sessionHost: s.u64(snapshot.sessionHost),
        members: serializeList(s, snapshot.members, snapshotMemberLayout),
        data: serializeTextMap(s, snapshot.data),
      };
    }
    default:
      throw new MalformedError(`unknown lobby message ${type as number}`);
  }
}
