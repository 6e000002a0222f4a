/**
 * The packet layouts of the transport (docs/protocol.md specifies them byte by byte). Decoding
 * never trusts its input: a malformed datagram raises PacketError, which the host counts and drops.
 */
import { ByteReader, MalformedError, MalformedError as PacketError } from '../wire/byte_reader.js';
import { ByteWriter } from '../wire/byte_writer.js';
import { sequenceNext } from './sequence_number.js';

export const PROTOCOL_MAGIC = 0x344e5253; // "SRN4" read little-endian: 'S' 'R' 'N' '4'; the 4: the handshake's challenge

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

function expectMagic(r: ByteReader): void {
  if (r.u32() !== PROTOCOL_MAGIC) throw new MalformedError('not a stingray-network packet (bad protocol magic)');
}

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

export function encodeConnectRequest(p: Omit<ConnectRequest, 'type' | 'cookie'> & { cookie?: Uint8Array }): Uint8Array {
  const bytes = new Uint8Array(CONNECT_REQUEST_BYTES);
  const w = new ByteWriter(33 + COOKIE_BYTES);
  w.u8(PacketType.ConnectRequest);
  w.u32(PROTOCOL_MAGIC);
  w.u64(p.from);
  w.u64(p.to);
  w.u64(p.configHash);
  w.u32(p.salt);
  w.bytes(p.cookie ?? NO_COOKIE);
  bytes.set(w.done());
  return bytes;
}

export function encodeConnectChallenge(p: Omit<ConnectChallenge, 'type'>): Uint8Array {
  const w = new ByteWriter(1 + 4 + 4 + COOKIE_BYTES);
  w.u8(PacketType.ConnectChallenge);
  w.u32(PROTOCOL_MAGIC);
  w.u32(p.salt);
  w.bytes(p.cookie);
  return w.done();
}

export function encodeConnectAccept(p: Omit<ConnectAccept, 'type'>): Uint8Array {
  const w = new ByteWriter(25);
  w.u8(PacketType.ConnectAccept);
  w.u32(PROTOCOL_MAGIC);
  w.u64(p.from);
  w.u64(p.to);
  w.u32(p.salt);
  return w.done();
}

export function encodeConnectDeny(p: Omit<ConnectDeny, 'type'>): Uint8Array {
  const w = new ByteWriter(1 + 4 + 8 + 4 + 1);
  w.u8(PacketType.ConnectDeny);
  w.u32(PROTOCOL_MAGIC);
  w.u64(p.from);
  w.u32(p.salt);
  w.u8(p.reason);
  return w.done();
}

export function encodeDisconnect(epoch: number, reason: string): Uint8Array {
  const w = new ByteWriter(1 + 2 + 1 + 255);
  w.u8(PacketType.Disconnect);
  w.u16(epoch);
  w.text(reason);
  return w.done();
}

/** Bytes a record adds to a packet: kind byte, length varint beyond 30, id for explicit reliable ids. */
export function recordOverhead(kind: RecordKind, bodyLength: number): number {
  const lengthBytes = bodyLength < 31 ? 0 : varintSize(bodyLength - 31);
  return 1 + lengthBytes + (kind === RecordKind.Reliable ? 2 : 0);
}

/** Largest body one packet of `mtu` bytes carries as a single record. */
export function largestRecordBody(mtu: number): number {
  const room = mtu - MAX_DATA_HEADER_BYTES;
  return room - recordOverhead(RecordKind.Reliable, room);
}

function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

/**
 * Builds one data packet into a buffer of the MTU. Records are appended until the caller sees
 * `fits` fail; reliable ids that follow the previous record's id cost no id bytes.
 */
export class DataPacketBuilder {
  private readonly bytes: Uint8Array;
  private offset: number;
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
  ) {
    this.bytes = new Uint8Array(capacity);
    const view = new DataView(this.bytes.buffer);
    let prefix = PacketType.Data as number;
    view.setUint16(1, epoch, true);
    let offset = 5;
    const delta = (sequence - ack + 65536) % 65536;
    if (delta < 256) {
      prefix |= 0x80;
      this.bytes[offset++] = delta;
    } else {
      view.setUint16(offset, ack, true);
      offset += 2;
    }
    // Ack-bits bytes that are all ones (nothing lost) are left out; steady state costs no bytes.
    for (let i = 0; i < 4; i++) {
      const byte = (ackBits >>> (8 * i)) & 0xff;
      if (byte !== 0xff) {
        prefix |= 0x08 << i;
        this.bytes[offset++] = byte;
      }
    }
    this.bytes[0] = prefix;
    view.setUint16(3, sequence, true);
    this.offset = offset;
  }

  get size(): number {
    return this.offset;
  }

  /** Bytes a record would take in this packet. */
  recordSize(kind: RecordKind, id: number, bodyLength: number): number {
    const effective = kind === RecordKind.Reliable && id === sequenceNext(this.lastReliableId) && this.lastReliableId >= 0 ? RecordKind.ReliableNext : kind;
    return recordOverhead(effective, bodyLength) + bodyLength;
  }

  fits(kind: RecordKind, id: number, bodyLength: number): boolean {
    return this.offset + this.recordSize(kind, id, bodyLength) <= this.capacity;
  }

  add(kind: RecordKind, id: number, more: boolean, body: Uint8Array): void {
    let effective = kind;
    if (kind === RecordKind.Reliable) {
      if (this.lastReliableId >= 0 && id === sequenceNext(this.lastReliableId)) effective = RecordKind.ReliableNext;
      this.lastReliableId = id;
    }
    const n = body.length;
    this.bytes[this.offset++] = effective | (more ? 0x04 : 0) | (Math.min(n, 31) << 3);
    if (n >= 31) {
      let rest = n - 31;
      while (rest >= 0x80) {
        this.bytes[this.offset++] = (rest & 0x7f) | 0x80;
        rest = Math.floor(rest / 128);
      }
      this.bytes[this.offset++] = rest;
    }
    if (effective === RecordKind.Reliable) {
      this.bytes[this.offset++] = id & 0xff;
      this.bytes[this.offset++] = id >>> 8;
    }
    this.bytes.set(body, this.offset);
    this.payloadBytes += body.length;
    this.offset += n;
    this.records++;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.offset);
  }
}

export function decodePacket(bytes: Uint8Array): Packet {
  if (bytes.length === 0) throw new PacketError('empty datagram');
  const r = new ByteReader(bytes);
  const prefix = r.u8();
  const type = prefix & 0x07;
  switch (type) {
    case PacketType.ConnectRequest: {
      expectMagic(r);
      const packet: ConnectRequest = { type, from: r.u64(), to: r.u64(), configHash: r.u64(), salt: r.u32(), cookie: r.bytesOf(COOKIE_BYTES) };
      // The rest is padding (its length is what matters): short requests are refused unanswered.
      if (bytes.length < CONNECT_REQUEST_BYTES) throw new PacketError(`connect request of ${bytes.length} bytes (padded to ${CONNECT_REQUEST_BYTES})`);
      return packet;
    }
    case PacketType.ConnectChallenge: {
      expectMagic(r);
      return { type, salt: r.u32(), cookie: r.bytesOf(COOKIE_BYTES) };
    }
    case PacketType.ConnectAccept: {
      expectMagic(r);
      return { type, from: r.u64(), to: r.u64(), salt: r.u32() };
    }
    case PacketType.ConnectDeny: {
      expectMagic(r);
      const from = r.u64();
      const salt = r.u32();
      const reason = r.u8();
      if (reason < DenyReason.ConfigMismatch || reason > DenyReason.Full) throw new PacketError(`unknown deny reason ${reason}`);
      return { type, from, salt, reason };
    }
    case PacketType.Disconnect:
      return { type, epoch: r.u16(), reason: r.text() };
    case PacketType.Data:
      return decodeData(prefix, r);
    default:
      throw new PacketError(`unknown packet type ${type}`);
  }
}

function decodeData(prefix: number, r: ByteReader): DataPacket {
  const epoch = r.u16();
  const sequence = r.u16();
  const ack = prefix & 0x80 ? (sequence - r.u8() + 65536) % 65536 : r.u16();
  let ackBits = 0;
  for (let i = 0; i < 4; i++) {
    const byte = prefix & (0x08 << i) ? r.u8() : 0xff;
    ackBits |= byte << (8 * i);
  }
  const records: DataRecord[] = [];
  let lastReliableId = -1;
  while (r.remaining > 0) {
    const head = r.u8();
    const kind = (head & 0x03) as RecordKind;
    const more = (head & 0x04) !== 0;
    let length = head >>> 3;
    if (length === 31) length += r.varint();
    let id = 0;
    if (kind === RecordKind.Reliable) id = r.u16();
    else if (kind === RecordKind.ReliableNext) {
      if (lastReliableId < 0) throw new PacketError('reliable record continues an id that no earlier record gave');
      id = sequenceNext(lastReliableId);
    } else if (kind !== RecordKind.Unreliable) throw new PacketError(`unknown record kind ${kind}`);
    if (kind !== RecordKind.Unreliable) lastReliableId = id;
    else if (more) throw new PacketError('unreliable record marked as a fragment');
    records.push({ kind: kind === RecordKind.ReliableNext ? RecordKind.Reliable : kind, id, more, body: r.bytesOf(length) });
  }
  return { type: PacketType.Data, epoch, sequence, ack, ackBits: ackBits >>> 0, records };
}
