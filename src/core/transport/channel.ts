/**
 * Channels (newer scripts): a numbered, approved conversation with one peer inside a lobby.
 * `lobby:open_channel(peer, message)` sends an open request over the connection to that peer; the
 * peer's script approves or refuses it in its `approve_channel` callback. Closing is a reliable
 * message queued after everything sent before it, so nothing queued before a close is lost; the
 * closing side stays "disconnecting" until the other side confirms.
 *
 * A channel is named on the wire by who opened it and the opener's channel number, so each side
 * keeps its own numbering and two channels between the same peers coexist.
 */
import { ByteReader, MalformedError } from '../wire/byte_reader.js';
import { readMessage, writeMessage } from '../wire/byte_stream.js';
import { channelMessageLayout, ChannelMessageType, type ChannelMessage } from './channel_message.js';
import type { Connection } from './connection.js';
import { Service, type NetworkNode } from './network_node.js';
import type { PeerId } from '../base/peer_id.js';

export type ChannelState = 'connecting' | 'connected' | 'disconnecting' | 'disconnected';

export class Channel {
  state: ChannelState = 'connecting';
  /** Why the channel is disconnected or disconnecting ("" otherwise). */
  reason = '';
  /** Open request still to send (the connection to the peer is being made). */
  pendingOpen = true;

  constructor(
    /** This side's number for the channel (what scripts hold). */
    readonly id: number,
    readonly peer: PeerId,
    readonly lobbyId: string,
    readonly message: string,
    /** Whether this side opened it. */
    readonly openedHere: boolean,
    /** The opener's number for the channel: its name on the wire. */
    readonly wireId: number,
  ) {}
}

/** An open request waiting for the script's approve_channel callback. */
export interface ChannelRequest {
  readonly channel: Channel;
}

/** Live channels a peer may have with this one; more open requests are refused. */
export const MAX_CHANNELS_PER_PEER = 64;
/** Ended channels remembered (for their state and reason), oldest forgotten first. */
const ENDED_KEPT = 1024;

export class Channels {
  private nextId = 1;
  private readonly ended: Channel[] = [];
  private readonly byId = new Map<number, Channel>();
  /** `${peer}/${opened here ? 'o' : 'r'}/${wireId}` -> channel. */
  private readonly byWire = new Map<string, Channel>();
  private readonly requests: ChannelRequest[] = [];

  constructor(private readonly node: NetworkNode) {
    node.handle(Service.Channel, (connection, message) => this.onMessage(connection, message));
    node.listen((event) => {
      if (event.type === 'connected') this.sendPendingOpens(event.connection.peer);
      else if (event.type === 'disconnected') this.dropPeer(event.connection.peer, event.connection.reason || 'connection lost');
      else if (event.peer !== undefined) this.dropPeer(event.peer, event.reason);
    });
  }

  get(id: number): Channel | undefined {
    return this.byId.get(id);
  }

  /** Every channel not yet disconnected. */
  live(): Channel[] {
    return [...this.byId.values()].filter((c) => c.state !== 'disconnected');
  }

  /** Open a channel to `peer` (its address must be known); connects first if needed. */
  open(peer: PeerId, lobbyId: string, message: string): Channel {
    const id = this.nextId++;
    const channel = new Channel(id, peer, lobbyId, message, true, id);
    this.byId.set(id, channel);
    this.byWire.set(wireKey(peer, true, id), channel);
    if (this.node.isConnected(peer)) this.sendOpen(channel);
    else if (!this.node.connect(peer)) this.end(channel, `no address known for peer ${peer}`);
    return channel;
  }

  /** Close: delivered after every reliable message queued on it before. */
  close(id: number, reason = 'closed'): void {
    const channel = this.byId.get(id);
    if (!channel || channel.state === 'disconnected' || channel.state === 'disconnecting') return;
    if (channel.pendingOpen && channel.openedHere) {
      this.end(channel, reason);
      return;
    }
    channel.state = 'disconnecting';
    channel.reason = reason;
    if (!this.sendControl(channel.peer, ChannelMessageType.Close, channel.openedHere, channel.wireId, reason)) this.end(channel, reason);
  }

  /** Open requests received since the last call, for the approve_channel callback. */
  takeRequests(): ChannelRequest[] {
    return this.requests.splice(0);
  }

  /** The script's answer to an open request. */
  answer(request: ChannelRequest, approved: boolean): void {
    const channel = request.channel;
    if (channel.state !== 'connecting') return;
    if (approved) {
      channel.state = 'connected';
      this.sendControl(channel.peer, ChannelMessageType.Accept, false, channel.wireId, '');
    } else {
      this.sendControl(channel.peer, ChannelMessageType.Deny, false, channel.wireId, 'refused by the peer');
      this.end(channel, 'refused');
    }
  }

  /** The channel this side calls `opener/wireId` as seen from `peer`'s message. */
  fromWire(peer: PeerId, openedByReceiver: boolean, wireId: number): Channel | undefined {
    return this.byWire.get(wireKey(peer, openedByReceiver, wireId));
  }

  private sendOpen(channel: Channel): void {
    channel.pendingOpen = false;
    const open: ChannelMessage = { type: ChannelMessageType.Open, wireId: channel.wireId, lobbyId: channel.lobbyId, message: channel.message };
    if (!this.node.send(channel.peer, Service.Channel, writeMessage(channelMessageLayout, open), true, 'channel')) this.end(channel, 'connection lost');
  }

  private sendPendingOpens(peer: PeerId): void {
    for (const channel of this.byId.values()) {
      if (channel.peer === peer && channel.pendingOpen && channel.openedHere && channel.state === 'connecting') this.sendOpen(channel);
    }
  }

  /** Send a control message about a channel; `senderOpened` says whether the sender opened it. */
  private sendControl(peer: PeerId, type: Exclude<ChannelMessageType, ChannelMessageType.Open>, senderOpened: boolean, wireId: number, reason: string): boolean {
    return this.node.send(peer, Service.Channel, writeMessage(channelMessageLayout, { type, senderOpened, wireId, reason }), true, 'channel');
  }

  private onMessage(connection: Connection, r: ByteReader): void {
    const peer = connection.peer;
    const m = readMessage(channelMessageLayout, r);
    if (m.type === ChannelMessageType.Open) {
      const { wireId, lobbyId, message } = m;
      if (this.byWire.has(wireKey(peer, false, wireId))) return;
      if (this.live().filter((c) => c.peer === peer).length >= MAX_CHANNELS_PER_PEER) {
        this.sendControl(peer, ChannelMessageType.Deny, false, wireId, `too many channels (${MAX_CHANNELS_PER_PEER})`);
        return;
      }
      const channel = new Channel(this.nextId++, peer, lobbyId, message, false, wireId);
      channel.pendingOpen = false;
      this.byId.set(channel.id, channel);
      this.byWire.set(wireKey(peer, false, wireId), channel);
      this.requests.push({ channel });
      return;
    }
    const { type, senderOpened, wireId, reason } = m;
    // The sender opened it means this side did not, and the other way round.
    const channel = this.byWire.get(wireKey(peer, !senderOpened, wireId));
    if (!channel) throw new MalformedError(`message for unknown channel ${wireId} from ${peer}`);
    switch (type) {
      case ChannelMessageType.Accept:
        if (channel.state === 'connecting') channel.state = 'connected';
        break;
      case ChannelMessageType.Deny:
        this.end(channel, reason || 'refused');
        break;
      case ChannelMessageType.Close:
        this.sendControl(peer, ChannelMessageType.CloseConfirm, channel.openedHere, wireId, '');
        this.end(channel, `closed by ${peer}${reason && reason !== 'closed' ? `: ${reason}` : ''}`);
        break;
      case ChannelMessageType.CloseConfirm:
        if (channel.state === 'disconnecting') this.end(channel, channel.reason);
        break;
    }
  }

  private end(channel: Channel, reason: string): void {
    if (channel.state === 'disconnected') return;
    channel.state = 'disconnected';
    channel.reason = reason;
    channel.pendingOpen = false;
    this.ended.push(channel);
    if (this.ended.length > ENDED_KEPT) {
      const old = this.ended.shift()!;
      this.byId.delete(old.id);
      this.byWire.delete(wireKey(old.peer, old.openedHere, old.wireId));
    }
  }

  private dropPeer(peer: PeerId, reason: string): void {
    for (const channel of this.byId.values()) if (channel.peer === peer) this.end(channel, reason);
  }

  /** Forget every channel (the client shut down). */
  clear(reason: string): void {
    for (const channel of this.byId.values()) this.end(channel, reason);
    this.requests.length = 0;
  }
}

function wireKey(peer: PeerId, openedHere: boolean, wireId: number): string {
  return `${peer}/${openedHere ? 'o' : 'r'}/${wireId}`;
}
