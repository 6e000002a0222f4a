/**
 * The packet layouts of the transport (docs/protocol.md specifies them byte by byte). Decoding
 * never trusts its input: a malformed datagram raises PacketError, which the host counts and drops.
 */
import { ByteReader, MalformedError, MalformedError as PacketError } from '../wire/byte_reader.js';
import { ByteMeasurer, readMessage, writeMessage, type ByteLayout, type ByteStream } from '../wire/byte_stream.js';
import { ByteWriter } from '../wire/byte_writer.js';
import { sequenceNext } from './sequence_number.js';

export const PROTOCOL_MAGIC = 0x354e5253; // "SRN5" read little-endian: 'S' 'R' 'N' '5'; the 5: keep-alives ask for acks, acks do not

/**
 * Bytes of a connect request, padded: every answer to a datagram from an address not yet proven
 * (challenge, deny, accept) is smaller, so the handshake cannot amplify traffic toward a spoofed address.
 */
export const CONNECT_REQUEST_BYTES = 64;
/** Bytes of the cookie a challenge hands out and a connect request echoes. */
export const COOKIE_BYTES = 8;

/** Why a connection request was denied: a code only (the text is the requester's). */
export const enum DenyReason {
  ConfigMismatch = 1,
  WrongPeer = 2,
  OwnPeerId = 3,
  PeerIdInUse = 4,
  Full = 5,
}

export const enum PacketType {
  ConnectRequest = 1,
  ConnectAccept = 2,
  ConnectDeny = 3,
  Data = 4,
  Disconnect = 5,
  /** LAN lobby discovery queries and replies (lan_discovery.ts); never decoded here. */
  Discovery = 6,
  /** The answer to a connect request without a valid cookie: the cookie to repeat it with. */
  ConnectChallenge = 7,
}

export const enum RecordKind {
  /** A reliable message with its id written out. */
  Reliable = 0,
  /** A reliable message whose id is the previous record's id + 1. */
  ReliableNext = 1,
  Unreliable = 2,
}

/** Bytes of a data packet before its first record, at most: prefix, epoch, sequence, 2-byte ack, 4 ack-bits bytes. */
export const MAX_DATA_HEADER_BYTES = 1 + 2 + 2 + 2 + 4;

/** A datagram that is not a valid packet of this protocol. */
export { MalformedError as PacketError };

export interface ConnectRequest {
  type: PacketType.ConnectRequest;
  from: bigint;
  to: bigint;
  configHash: bigint;
  salt: number;
  /** The challenge's cookie (all zero before the challenge arrived). */
  cookie: Uint8Array;
}

export interface ConnectChallenge {
  type: PacketType.ConnectChallenge;
  /** The salt of the request it answers. */
  salt: number;
  cookie: Uint8Array;
}

export interface ConnectAccept {
  type: PacketType.ConnectAccept;
  from: bigint;
  to: bigint;
  salt: number;
}

export interface ConnectDeny {
  type: PacketType.ConnectDeny;
  from: bigint;
  salt: number;
  reason: DenyReason;
}

export interface Disconnect {
  type: PacketType.Disconnect;
  /** The epoch of the connection it ends: a late notice must not end a newer connection. */
  epoch: number;
  reason: string;
}

export interface DataRecord {
  kind: RecordKind;
  /** Reliable message id (reliable records only). */
  id: number;
  /** More fragments of the same reliable message follow. */
  more: boolean;
  body: Uint8Array;
}

export interface DataPacket {
  type: PacketType.Data;
  /** Which connection between these two addresses the packet belongs to (from the handshake salt). */
  epoch: number;
  sequence: number;
  /** A sequence received from the other side: the newest, unless other packets of the transmit name it (see Connection). */
  ack: number;
  /** Bit i set: sequence ack-1-i was received too. */
  ackBits: number;
  records: DataRecord[];
}

export type Packet = ConnectRequest | ConnectChallenge | ConnectAccept | ConnectDeny | Disconnect | DataPacket;

const NO_COOKIE = new Uint8Array(COOKIE_BYTES);
/** Bytes of a connect request before its padding. */
const CONNECT_REQUEST_FIELDS_BYTES = 1 + 4 + 8 + 8 + 8 + 4 + COOKIE_BYTES;
const REQUEST_PADDING = new Uint8Array(CONNECT_REQUEST_BYTES - CONNECT_REQUEST_FIELDS_BYTES);

/** The type byte and protocol magic every handshake packet starts with. */
function handshakeHeader<T extends PacketType>(s: ByteStream, type: T): T {
  s.u8(type);
  if (s.u32(PROTOCOL_MAGIC) !== PROTOCOL_MAGIC) throw new PacketError('not a stingray-network packet (bad protocol magic)');
  return type;
}

// One layout per packet: it writes, reads and measures the packet (wire/byte_stream.ts).

const connectRequestLayout: ByteLayout<ConnectRequest> = (s, p) => {
  const request: ConnectRequest = {
    type: handshakeHeader(s, PacketType.ConnectRequest),
    from: s.u64(p.from),
    to: s.u64(p.to),
    configHash: s.u64(p.configHash),
    salt: s.u32(p.salt),
    cookie: s.bytes(p.cookie, COOKIE_BYTES),
  };
  // Padding: every answer to an unproven address is smaller than the request (no amplification).
  s.bytes(REQUEST_PADDING, REQUEST_PADDING.length);
  return request;
};

const connectChallengeLayout: ByteLayout<ConnectChallenge> = (s, p) => ({
  type: handshakeHeader(s, PacketType.ConnectChallenge),
  salt: s.u32(p.salt),
  cookie: s.bytes(p.cookie, COOKIE_BYTES),
});

const connectAcceptLayout: ByteLayout<ConnectAccept> = (s, p) => ({
  type: handshakeHeader(s, PacketType.ConnectAccept),
  from: s.u64(p.from),
  to: s.u64(p.to),
  salt: s.u32(p.salt),
});

const connectDenyLayout: ByteLayout<ConnectDeny> = (s, p) => {
  const type = handshakeHeader(s, PacketType.ConnectDeny);
  const from = s.u64(p.from);
  const salt = s.u32(p.salt);
  const reason = s.u8(p.reason);
  if (reason < DenyReason.ConfigMismatch || reason > DenyReason.Full) throw new PacketError(`unknown deny reason ${reason}`);
  return { type, from, salt, reason };
};

const disconnectLayout: ByteLayout<Disconnect> = (s, p) => ({
  type: s.u8(PacketType.Disconnect) as PacketType.Disconnect,
  epoch: s.u16(p.epoch),
  reason: s.text(p.reason),
});

export function encodeConnectRequest(p: Omit<ConnectRequest, 'type' | 'cookie'> & { cookie?: Uint8Array }): Uint8Array {
  return writeMessage<ConnectRequest>(connectRequestLayout, { type: PacketType.ConnectRequest, ...p, cookie: p.cookie ?? NO_COOKIE });
}

export function encodeConnectChallenge(p: Omit<ConnectChallenge, 'type'>): Uint8Array {
  return writeMessage<ConnectChallenge>(connectChallengeLayout, { type: PacketType.ConnectChallenge, ...p });
}

export function encodeConnectAccept(p: Omit<ConnectAccept, 'type'>): Uint8Array {
  return writeMessage<ConnectAccept>(connectAcceptLayout, { type: PacketType.ConnectAccept, ...p });
}

export function encodeConnectDeny(p: Omit<ConnectDeny, 'type'>): Uint8Array {
  return writeMessage<ConnectDeny>(connectDenyLayout, { type: PacketType.ConnectDeny, ...p });
}

export function encodeDisconnect(epoch: number, reason: string): Uint8Array {
  return writeMessage<Disconnect>(disconnectLayout, { type: PacketType.Disconnect, epoch, reason });
}

/** A data packet's header: its first byte flags which of the ack fields follow. */
interface DataHeader {
  epoch: number;
  sequence: number;
  ack: number;
  ackBits: number;
}

const SHORT_ACK = 0x80;

/** The prefix of a data packet: type, a short ack (a delta byte), and which ack-bits bytes follow. */
function dataPrefix(h: DataHeader): number {
  let prefix = PacketType.Data as number;
  if ((h.sequence - h.ack + 65536) % 65536 < 256) prefix |= SHORT_ACK;
  // Ack-bits bytes that are all ones (nothing lost) are left out; steady state costs no bytes.
  for (let i = 0; i < 4; i++) if (((h.ackBits >>> (8 * i)) & 0xff) !== 0xff) prefix |= 0x08 << i;
  return prefix;
}

const dataHeaderLayout: ByteLayout<DataHeader> = (s, h) => {
  const prefix = s.u8(s.reading ? 0 : dataPrefix(h));
  const epoch = s.u16(h.epoch);
  const sequence = s.u16(h.sequence);
  const ack = prefix & SHORT_ACK ? (sequence - s.u8((h.sequence - h.ack + 65536) % 65536) + 65536) % 65536 : s.u16(h.ack);
  let ackBits = 0;
  for (let i = 0; i < 4; i++) {
    const byte = prefix & (0x08 << i) ? s.u8((h.ackBits >>> (8 * i)) & 0xff) : 0xff;
    ackBits |= byte << (8 * i);
  }
  return { epoch, sequence, ack, ackBits: ackBits >>> 0 };
};

/** A record's head: its kind, fragment flag and body length, and the reliable id when not implied. */
interface RecordHead {
  kind: RecordKind;
  more: boolean;
  length: number;
  /** Reliable id, written only for `RecordKind.Reliable`. */
  id: number;
}

/** Record body lengths up to 30 fit the head byte; 31 says a varint of the rest follows. */
const INLINE_LENGTHS = 31;

const recordHeadLayout: ByteLayout<RecordHead> = (s, h) => {
  const head = s.u8(s.reading ? 0 : h.kind | (h.more ? 0x04 : 0) | (Math.min(h.length, INLINE_LENGTHS) << 3));
  const kind = (head & 0x03) as RecordKind;
  let length = head >>> 3;
  if (length === INLINE_LENGTHS) length += s.varint(h.length - INLINE_LENGTHS);
  return { kind, more: (head & 0x04) !== 0, length, id: kind === RecordKind.Reliable ? s.u16(h.id) : 0 };
};

const measurer = new ByteMeasurer();

/** Bytes a record adds to a packet: its head (`RecordKind.ReliableNext` for an implied id). */
export function recordOverhead(kind: RecordKind, bodyLength: number): number {
  measurer.size = 0;
  recordHeadLayout(measurer, { kind, more: false, length: bodyLength, id: 0 });
  return measurer.size;
}

/** Largest body one packet of `mtu` bytes carries as a single record. */
export function largestRecordBody(mtu: number): number {
  const room = mtu - MAX_DATA_HEADER_BYTES;
  return room - recordOverhead(RecordKind.Reliable, room);
}

/**
 * Builds one data packet into a buffer of the MTU. Records are appended until the caller sees
 * `fits` fail; reliable ids that follow the previous record's id cost no id bytes.
 */
export class DataPacketBuilder {
  private readonly writer: ByteWriter;
  private lastReliableId = -1;
  records = 0;
  /** Bytes of record bodies (the rest of the packet is header). */
  payloadBytes = 0;

  constructor(
    readonly capacity: number,
    /** The connection's epoch: packets of an earlier connection between the same addresses are told apart. */
    epoch: number,
    readonly sequence: number,
    ack: number,
    ackBits: number,
    /** Where to build it: a connection passes the one it reuses for every packet (`finish` copies out). */
    writer = new ByteWriter(capacity),
  ) {
    this.writer = writer;
    writer.reset();
    dataHeaderLayout(this.writer, { epoch, sequence, ack, ackBits });
  }

  get size(): number {
    return this.writer.offset;
  }

  /** The kind a record is written as: a reliable id following the previous one is implied. */
  private effectiveKind(kind: RecordKind, id: number): RecordKind {
    return kind === RecordKind.Reliable && this.lastReliableId >= 0 && id === sequenceNext(this.lastReliableId) ? RecordKind.ReliableNext : kind;
  }

  /** Bytes a record would take in this packet. */
  recordSize(kind: RecordKind, id: number, bodyLength: number): number {
    return recordOverhead(this.effectiveKind(kind, id), bodyLength) + bodyLength;
  }

  fits(kind: RecordKind, id: number, bodyLength: number): boolean {
    return this.size + this.recordSize(kind, id, bodyLength) <= this.capacity;
  }

  add(kind: RecordKind, id: number, more: boolean, body: Uint8Array): void {
    const effective = this.effectiveKind(kind, id);
    if (kind === RecordKind.Reliable) this.lastReliableId = id;
    recordHeadLayout(this.writer, { kind: effective, more, length: body.length, id });
    this.writer.bytes(body);
    this.payloadBytes += body.length;
    this.records++;
  }

  finish(): Uint8Array {
    return this.writer.done().slice();
  }
}

const HANDSHAKE_LAYOUTS = {
  [PacketType.ConnectRequest]: connectRequestLayout,
  [PacketType.ConnectChallenge]: connectChallengeLayout,
  [PacketType.ConnectAccept]: connectAcceptLayout,
  [PacketType.ConnectDeny]: connectDenyLayout,
  [PacketType.Disconnect]: disconnectLayout,
} as Record<number, ByteLayout<Packet> | undefined>;

export function decodePacket(bytes: Uint8Array): Packet {
  if (bytes.length === 0) throw new PacketError('empty datagram');
  const type = bytes[0]! & 0x07;
  if (type === PacketType.Data) return decodeData(new ByteReader(bytes));
  // The rest of a request is padding (its length is what matters): short requests are refused unanswered.
  if (type === PacketType.ConnectRequest && bytes.length < CONNECT_REQUEST_BYTES) throw new PacketError(`connect request of ${bytes.length} bytes (padded to ${CONNECT_REQUEST_BYTES})`);
  const layout = HANDSHAKE_LAYOUTS[type];
  if (!layout) throw new PacketError(`unknown packet type ${type}`);
  return readMessage(layout, bytes, false);
}

function decodeData(r: ByteReader): DataPacket {
  const header = dataHeaderLayout(r, {} as DataHeader);
  const records: DataRecord[] = [];
  let lastReliableId = -1;
  while (r.remaining > 0) {
    const head = recordHeadLayout(r, {} as RecordHead);
    const kind = head.kind;
    let id = head.id;
    if (kind === RecordKind.ReliableNext) {
      if (lastReliableId < 0) throw new PacketError('reliable record continues an id that no earlier record gave');
      id = sequenceNext(lastReliableId);
    } else if (kind !== RecordKind.Reliable && kind !== RecordKind.Unreliable) throw new PacketError(`unknown record kind ${kind}`);
    if (kind !== RecordKind.Unreliable) lastReliableId = id;
    else if (head.more) throw new PacketError('unreliable record marked as a fragment');
    records.push({ kind: kind === RecordKind.ReliableNext ? RecordKind.Reliable : kind, id, more: head.more, body: r.bytesOf(head.length) });
  }
  return { type: PacketType.Data, ...header, records };
}
