/**
 * One connection to a remote peer: packet sequence numbers and acknowledgements, a reliable
 * ordered stream and unreliable messages packed together into packets of at most the MTU, round
 * trip time, keep-alive and timeout, and the QoS send budget.
 */
import { ByteWriter } from '../wire/byte_writer.js';
import type { Endpoint } from './datagram_socket.js';
import { DataPacketBuilder, largestRecordBody, MAX_DATA_HEADER_BYTES, RecordKind, recordOverhead, type DataPacket } from './packet.js';
import type { PeerId } from '../base/peer_id.js';
import type { RateLimiter } from './qos.js';
import { ReliableReceiver } from './reliable_receiver.js';
import { ReliableSendBufferOverflow, ReliableSender, type PendingMessage } from './reliable_sender.js';
import { sequenceDistance, sequenceNext } from './sequence_number.js';
import type { TransportSettings } from './transport_settings.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** Told whether an unreliable message arrived: true when its packet was acknowledged, false when it was lost or never sent. */
/** Told whether an unreliable message arrived, and to whom it went (one callback can serve many peers). */
export type DeliveryCallback = (delivered: boolean, peer: PeerId) => void;

/** What metered bytes are: a message (or its last fragment) sent the first time, an earlier fragment, or a resend. */
export type SentPart = 'message' | 'fragment' | 'resend';

/**
 * Counts traffic by category for the network log; `tag` names what a message carries, the same
 * category at both ends (the receiving service names it, network_node.ts).
 */
export interface TrafficMeter {
  /** `part` says whether the bytes end a message's first send (it counts as one), start it, or resend it. */
  sent(peer: PeerId, tag: string, bytes: number, part?: SentPart): void;
  received(peer: PeerId, tag: string, bytes: number): void;
  /** A packet we sent was given up on (not acknowledged within the resend time). */
  lost(peer: PeerId): void;
  /** A round-trip time sample, in seconds (the newest acknowledged packet's). */
  rtt(peer: PeerId, seconds: number): void;
  /** Whether `fieldBits` is wanted now (measuring fields costs a little on the replication path). */
  logsFields(): boolean;
  /** The bits of one field value (`type.field`) in an object update queued for or received from `peer`. */
  fieldBits(peer: PeerId, direction: 'sent' | 'received', field: string, bits: number): void;
}

interface UnreliableMessage {
  body: Uint8Array;
  tag: string;
  onDelivery: DeliveryCallback | undefined;
}

interface SentPacket {
  sequence: number;
  sentAt: number;
  reliableIds: number[];
  deliveries: DeliveryCallback[];
  resolved: boolean;
}

const SENT_PACKET_WINDOW = 1024;
/** Weight of a new round-trip sample in the smoothed estimate. */
const RTT_SMOOTHING = 0.125;
/** The body of a keep-alive's record: nothing. */
const KEEP_ALIVE_BODY = new Uint8Array(0);

export interface ConnectionStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  packetsLost: number;
  /** Reliable records sent again (fragments count one each) because their packet was not acknowledged in time. */
  reliableResends: number;
  duplicatePackets: number;
  /**
   * Packets dropped for a sequence too far ahead of the latest (half the window or more): no live
   * peer gets that far without a packet of ours acknowledging one in between, and taking one in
   * would make every later real packet look like a replay.
   */
  sequenceJumps: number;
  /** Packets dropped unacknowledged because the reliable receive buffer was full. */
  receiveBufferFull: number;
  unreliableDropped: number;
}

export class Connection {
  state: ConnectionState = 'connecting';
  /** Why the connection ended (or was refused), for scripts and logs. */
  reason = '';
  /** This side ended the connection (Host.disconnect): it did not break. */
  closedHere = false;
  /** What uses the connection (lobbies, sessions, channels): Network.is_used. */
  readonly users = new Set<string>();
  readonly stats: ConnectionStats = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    packetsLost: 0,
    reliableResends: 0,
    duplicatePackets: 0,
    sequenceJumps: 0,
    receiveBufferFull: 0,
    unreliableDropped: 0,
  };
  /**
   * The received packet whose messages are being delivered, numbered without wrapping, so newer
   * unreliable updates can win over older ones that arrive late.
   */
  packetOrdinal = 0;
  /** Ordinal of the latest sequence received (remoteSequence unwrapped). */
  private latestOrdinal = -1;
  /** Smoothed round-trip time in seconds (0 until measured). */
  rtt = 0;
  lastReceiveTime: number;
  /** When this side last sent a packet that wants an acknowledgement (records: data or a keep-alive). */
  private lastTrackedSendTime = -Infinity;
  private lastTransmitTime = -Infinity;

  private sequence = 0;
  /** No packet before this sequence is still waiting for its ack: the loss check starts here. */
  private oldestUnresolved = 0;
  /** Every packet is built here, then copied out: one buffer per connection (grown to the largest packet once) instead of one per packet. */
  private readonly packetWriter = new ByteWriter(0);
  private readonly sent: (SentPacket | undefined)[] = new Array(SENT_PACKET_WINDOW);
  /**
   * Latest sequence received. Both sides number data packets from 0, so starting at 65535 (the
   * sequence before 0) makes our first acks name a packet the peer never sent rather than its packet 0.
   */
  private remoteSequence = 65535;
  /** Per slot (sequence % window): the latest sequence received there, or -1. */
  private readonly receivedHistory = new Int32Array(SENT_PACKET_WINDOW).fill(-1);
  private ackOwed = false;
  /**
   * Sequences received since the last transmit (at most a window's worth): each must be named by
   * some packet's ack or ack bits in the next, or the other side declares it lost.
   */
  private readonly toAck: number[] = [];
  /** The acks of the packets of the current transmit, newest first (see `ackWindows`). */
  private ackWindows: number[] = [];
  /** Packets sealed in the current transmit. */
  private sealedInTransmit = 0;

  private readonly sender: ReliableSender;
  private readonly receiver: ReliableReceiver;
  private unreliable: UnreliableMessage[] = [];
  /** A due reliable message the last packet of this transmit had no room for. */
  private carried: PendingMessage | undefined;

  constructor(
    readonly peer: PeerId,
    readonly endpoint: Endpoint,
    /** Sent in every data packet and checked on arrival (see DataPacket.epoch). */
    readonly epoch: number,
    private readonly settings: TransportSettings,
    sendBufferSize: number,
    receiveBufferSize: number,
    now: number,
    /** The QoS send budget; replaced when QoS settings change. */
    public rateLimiter: RateLimiter,
    private readonly meter: TrafficMeter | undefined,
  ) {
    this.sender = new ReliableSender(sendBufferSize, receiveBufferSize);
    this.receiver = new ReliableReceiver(receiveBufferSize);
    this.lastReceiveTime = now;
  }

  /** Bytes left in the reliable send buffer (Network.reliable_send_buffer_left). */
  get reliableSendBufferLeft(): number {
    return this.sender.bytesLeft;
  }

  /** Reliable messages not yet acknowledged. */
  get reliableQueued(): number {
    return this.sender.queued;
  }

  /** The largest message that travels unfragmented (unreliable messages must fit). */
  get maxMessageBytes(): number {
    return this.maxRecordBody();
  }

  /** Whether a transmit now would send (the minimum time between transmits has passed). */
  canTransmit(now: number): boolean {
    return now - this.lastTransmitTime >= this.settings.minTransmitInterval;
  }

  /** Largest body one packet can carry as a single record. */
  private maxRecordBody(): number {
    return largestRecordBody(this.settings.mtu);
  }

  /**
   * Queue a reliable ordered message. Overflowing the send buffer ends the connection with a
   * reason instead of dropping anything; returns false then.
   */
  sendReliable(body: Uint8Array, tag: string, onAcked?: () => void): boolean {
    if (this.state === 'disconnected') return false;
    try {
      this.sender.send(body, this.maxRecordBody(), tag, onAcked);
    } catch (error) {
      if (!(error instanceof ReliableSendBufferOverflow)) throw error;
      this.close(error.message);
      return false;
    }
    return true;
  }

  /** Queue an unreliable message for the next transmit; it must fit in one packet. */
  sendUnreliable(body: Uint8Array, tag: string, onDelivery?: DeliveryCallback): void {
    if (body.length > this.maxRecordBody()) {
      throw new RangeError(`unreliable message of ${body.length} bytes does not fit in a packet (MTU ${this.settings.mtu} bytes)`);
    }
    if (this.state === 'disconnected') {
      onDelivery?.(false, this.peer);
      return;
    }
    this.unreliable.push({ body, tag, onDelivery });
  }

  /** Message bytes are metered each time they go out (resends too), packet headers as overhead. */
  private meterTag(tag: string, bytes: number, part: SentPart): void {
    this.meter?.sent(this.peer, tag, bytes, part);
  }

  close(reason: string): void {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    this.reason = reason;
    for (const message of this.unreliable) message.onDelivery?.(false, this.peer);
    this.unreliable = [];
    for (const packet of this.sent) if (packet && !packet.resolved) this.resolve(packet, false);
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** Process a data packet; returns the message bodies it completes, in delivery order. */
  receivePacket(packet: DataPacket, size: number, now: number): Uint8Array[] {
    const slot = packet.sequence % SENT_PACKET_WINDOW;
    if (this.receivedHistory[slot] === packet.sequence) {
      this.stats.duplicatePackets++;
      return [];
    }
    const ahead = sequenceDistance(packet.sequence, this.remoteSequence);
    if (ahead <= -SENT_PACKET_WINDOW / 2) {
      this.stats.duplicatePackets++; // far older than anything the peer still sends: a replay
      return [];
    }
    if (ahead >= SENT_PACKET_WINDOW / 2) {
      this.stats.sequenceJumps++;
      return [];
    }
    const reliable = packet.records.filter((r) => r.kind !== RecordKind.Unreliable);
    if (!this.receiver.fits(reliable)) {
      this.stats.receiveBufferFull++;
      return [];
    }
    this.receivedHistory[slot] = packet.sequence;
    this.packetOrdinal = this.latestOrdinal + sequenceDistance(packet.sequence, this.remoteSequence);
    if (this.packetOrdinal > this.latestOrdinal) this.latestOrdinal = this.packetOrdinal;
    if (sequenceDistance(packet.sequence, this.remoteSequence) > 0) this.remoteSequence = packet.sequence;
    if (this.toAck.length < SENT_PACKET_WINDOW) this.toAck.push(packet.sequence);
    this.lastReceiveTime = now;
    // A packet without records only acknowledges: answering it would ping-pong between idle peers.
    if (packet.records.length > 0) this.ackOwed = true;
    this.stats.packetsReceived++;
    this.stats.bytesReceived += size;
    if (this.meter) {
      let payload = 0;
      for (const record of packet.records) payload += record.body.length;
      this.meter.received(this.peer, 'overhead', size - payload);
    }

    this.processAcks(packet.ack, packet.ackBits, now);

    const delivered: Uint8Array[] = [];
    for (const record of packet.records) {
      // An empty record is a keep-alive's: it asks for an acknowledgement and carries nothing.
      if (record.kind === RecordKind.Unreliable && record.body.length > 0) delivered.push(record.body.slice());
    }
    for (const record of reliable) this.receiver.receive(record.id, record.body, record.more);
    for (const body of this.receiver.deliver()) delivered.push(body);
    return delivered;
  }

  private processAcks(ack: number, ackBits: number, now: number): void {
    this.acknowledge(ack, now, true);
    for (let i = 0; i < 32; i++) {
      if (ackBits & (1 << i)) this.acknowledge((ack - 1 - i + 65536) % 65536, now, false);
    }
  }

  private acknowledge(sequence: number, now: number, newest: boolean): void {
    const packet = this.sent[sequence % SENT_PACKET_WINDOW];
    if (!packet || packet.sequence !== sequence || packet.resolved) return;
    if (newest) {
      const sample = now - packet.sentAt;
      this.rtt = this.rtt === 0 ? sample : this.rtt + (sample - this.rtt) * RTT_SMOOTHING;
      this.meter?.rtt(this.peer, sample);
    }
    this.resolve(packet, true);
  }

  /** A packet was acknowledged (delivered) or given up on (lost). */
  private resolve(packet: SentPacket, delivered: boolean): void {
    packet.resolved = true;
    if (delivered) this.sender.acknowledge(packet.reliableIds);
    else {
      this.stats.packetsLost++;
      // Packets still in flight when the connection closes are not losses of the network.
      if (this.state !== 'disconnected') this.meter?.lost(this.peer);
    }
    for (const callback of packet.deliveries) callback(delivered, this.peer);
    this.rateLimiter.observe(delivered);
  }

  // ---- timers ---------------------------------------------------------------------------------

  /** Seconds before unacknowledged data counts as lost: the resend time, stretched on slow links. */
  private resendAfter(): number {
    return Math.max(this.settings.resendTime, this.rtt * 1.5);
  }

  /** Check timeouts; declares packets lost and the connection broken when silent too long. */
  tick(now: number): void {
    if (this.state !== 'connected') return;
    if (now - this.lastReceiveTime >= this.settings.receiverLostTime) {
      this.close(`timed out: nothing received from ${this.peer} for ${this.settings.receiverLostTime} s`);
      return;
    }
    // Packets were sent in sequence order, so they turn lost in that order too.
    const lostBefore = now - this.resendAfter();
    while (this.oldestUnresolved !== this.sequence) {
      const packet = this.sent[this.oldestUnresolved % SENT_PACKET_WINDOW];
      if (packet && packet.sequence === this.oldestUnresolved && !packet.resolved) {
        if (packet.sentAt >= lostBefore) break;
        this.resolve(packet, false);
      }
      this.oldestUnresolved = sequenceNext(this.oldestUnresolved);
    }
  }

  // ---- transmitting ---------------------------------------------------------------------------

  /**
   * Build the packets to send now (none between transmits, unless `closing`: what is queued when
   * this side closes goes out however recently the last packets did).
   */
  transmit(now: number, closing = false): Uint8Array[] {
    if (this.state !== 'connected' || !(closing || this.canTransmit(now))) return [];
    this.rateLimiter.refill(now);
    this.ackWindows = this.coveringAcks();
    this.sealedInTransmit = 0;
    const packets: Uint8Array[] = [];
    const resendAfter = this.resendAfter();
    // One pass over the due messages for the whole transmit, however many packets they fill.
    const due = this.sender.due(now, resendAfter);
    this.carried = undefined;
    while (this.rateLimiter.canSend()) {
      const { builder, record, reliableLeft } = this.fillPacket(now, due);
      if (builder.records === 0) break;
      packets.push(this.seal(builder, record, now));
      if (!reliableLeft && this.unreliable.length === 0) break;
    }
    // Acknowledgements and keep-alives go out even when the budget is spent: they are a few bytes.
    // A peer that did not answer our last packet is asked again more slowly.
    const keepAlive = this.lastReceiveTime < this.lastTrackedSendTime ? this.settings.keepAliveResendTime : this.settings.keepAliveTime;
    const keepAliveDue = packets.length === 0 && now - this.lastTrackedSendTime >= keepAlive;
    // One packet per ack needed: when more packets arrived than the packets above can ack, ack-only packets name the rest.
    const acking = this.ackOwed || keepAliveDue;
    for (let i = packets.length; acking && i < this.ackWindows.length; i++) {
      const builder = this.newBuilder(this.settings.mtu);
      // A keep-alive carries an empty record so that the peer acknowledges it (the link is alive; a
      // round-trip time). An ack-only packet wants no answer, so it is never counted lost either.
      const wantsAck = keepAliveDue && i === 0;
      if (wantsAck) builder.add(RecordKind.Unreliable, 0, false, KEEP_ALIVE_BODY);
      packets.push(this.seal(builder, { sequence: builder.sequence, sentAt: now, reliableIds: [], deliveries: [], resolved: !wantsAck }, now));
    }
    this.toAck.length = 0;
    // Unreliable messages the budget had no room for this frame are dropped, not delayed.
    for (const message of this.unreliable) {
      this.stats.unreliableDropped++;
      message.onDelivery?.(false, this.peer);
    }
    this.unreliable = [];
    if (packets.length > 0) this.lastTransmitTime = now;
    return packets;
  }

  /** One packet: due reliable messages first, so they are never starved behind unreliable ones, then unreliable. */
  private fillPacket(now: number, due: Iterator<PendingMessage>): { builder: DataPacketBuilder; record: SentPacket; reliableLeft: boolean } {
    let builder = this.newBuilder(this.settings.mtu);
    const record: SentPacket = { sequence: builder.sequence, sentAt: now, reliableIds: [], deliveries: [], resolved: false };
    for (let message = this.carried ?? due.next().value; message; message = due.next().value) {
      this.carried = undefined;
      if (!builder.fits(RecordKind.Reliable, message.id, message.body.length)) {
        if (builder.records > 0) {
          this.carried = message; // it opens the next packet
          return { builder, record, reliableLeft: true };
        }
        // A fragment cut for a larger MTU than the current one travels alone, oversized.
        builder = this.newBuilder(MAX_DATA_HEADER_BYTES + recordOverhead(RecordKind.Reliable, message.body.length) + message.body.length);
      }
      builder.add(RecordKind.Reliable, message.id, message.more, message.body);
      const resend = message.sentAt !== -Infinity;
      if (resend) this.stats.reliableResends++;
      this.meterTag(message.tag, message.body.length, resend ? 'resend' : message.more ? 'fragment' : 'message');
      this.sender.markSent(message, now);
      record.reliableIds.push(message.id);
    }
    while (this.unreliable.length > 0) {
      const message = this.unreliable[0]!;
      if (!builder.fits(RecordKind.Unreliable, 0, message.body.length)) break;
      this.unreliable.shift();
      builder.add(RecordKind.Unreliable, 0, false, message.body);
      this.meterTag(message.tag, message.body.length, 'message');
      if (message.onDelivery) record.deliveries.push(message.onDelivery);
    }
    return { builder, record, reliableLeft: false };
  }

  /**
   * The acks that cover every packet received since the last transmit: the newest sequence first
   * (so every packet names it unless it carries an older one), then the newest sequence each
   * previous ack and its 32 ack bits leave out, and so on. The first packets of a transmit carry
   * them in this order; ack-only packets carry those left when the transmit has too few packets.
   */
  private coveringAcks(): number[] {
    const acks = [this.remoteSequence];
    const newest = this.remoteSequence;
    this.toAck.sort((a, b) => sequenceDistance(b, newest) - sequenceDistance(a, newest));
    let covering = newest;
    for (const sequence of this.toAck) {
      if (sequenceDistance(covering, sequence) <= 32) continue;
      covering = sequence;
      acks.push(sequence);
    }
    return acks;
  }

  /** Bit i set: sequence ack - 1 - i was received. */
  private ackBitsFor(ack: number): number {
    let bits = 0;
    for (let i = 0; i < 32; i++) {
      const sequence = (ack - 1 - i + 65536) % 65536;
      if (this.receivedHistory[sequence % SENT_PACKET_WINDOW] === sequence) bits |= 1 << i;
    }
    return bits >>> 0;
  }

  private newBuilder(capacity: number): DataPacketBuilder {
    const k = this.sealedInTransmit;
    const ack = k < this.ackWindows.length ? this.ackWindows[k]! : this.ackWindows[0] ?? this.remoteSequence;
    return new DataPacketBuilder(capacity, this.epoch, this.sequence, ack, this.ackBitsFor(ack), this.packetWriter);
  }

  private seal(builder: DataPacketBuilder, record: SentPacket, now: number): Uint8Array {
    const bytes = builder.finish();
    this.meter?.sent(this.peer, 'overhead', bytes.length - builder.payloadBytes);
    const slot = record.sequence % SENT_PACKET_WINDOW;
    const overwritten = this.sent[slot];
    if (overwritten && !overwritten.resolved) this.resolve(overwritten, false);
    this.sent[slot] = record;
    this.sequence = sequenceNext(this.sequence);
    if (!record.resolved) this.lastTrackedSendTime = now;
    this.ackOwed = false;
    this.sealedInTransmit++;
    this.stats.packetsSent++;
    this.stats.bytesSent += bytes.length;
    this.rateLimiter.spend(bytes.length);
    return bytes;
  }
}
