/**
 * RPC messages: one per `messages` entry of the network config, sent to a channel (newer scripts)
 * or a peer (older ones), arguments bit-packed by their declared types, reliable and ordered
 * unless the config says `reliable = false`.
 *
 * Body (after the service byte), bit-packed: message index (config.messageIndexBits), then 1 if
 * sent on a channel (followed by 1 if the sender opened it, and the opener's channel number,
 * Elias-gamma coded), else 0; then each argument.
 */
import { readBits, writeBits, type BitLayout } from '../wire/bit_stream.js';
import { MalformedError } from '../wire/byte_reader.js';
import type { Channel, Channels } from '../transport/channel.js';
import type { Connection } from '../transport/connection.js';
import type { MessageType, NetworkConfig, WireValue } from '../config/network_config.js';
import { NetworkError } from '../base/network_error.js';
import { Service, type NetworkNode } from '../transport/network_node.js';
import type { PeerId } from '../base/peer_id.js';
import type { ScriptEvent } from './script_event.js';

export type RpcTarget = { readonly channel: Channel } | { readonly peer: PeerId };

/** An RPC on the wire. */
interface RpcMessage {
  message: MessageType;
  /** Sent on a channel: whether the sender opened it, and the opener's channel number. */
  channel: { senderOpened: boolean; wireId: number } | undefined;
  args: readonly WireValue[];
}

/** The one layout of an RPC (see the file comment), for the messages of `config`. */
function rpcLayout(config: NetworkConfig): BitLayout<RpcMessage> {
  return (s, m) => {
    const index = s.bits(m.message?.index, config.messageIndexBits);
    const message = s.reading ? config.messageAt(index) : m.message;
    if (!message) throw new MalformedError('RPC with an unknown message index');
    const onChannel = s.bits(m.channel ? 1 : 0, 1) === 1;
    const channel = onChannel ? { senderOpened: s.bits(m.channel?.senderOpened ? 1 : 0, 1) === 1, wireId: s.gamma(m.channel?.wireId!) } : undefined;
    const args = message.args.map((type, i) => s.value(type, m.args?.[i]!));
    return { message, channel, args };
  };
}

export class Rpc {
  /** Session-bound messages that arrived outside a session, dropped. */
  droppedOutsideSession = 0;
  /** Messages on a channel this side no longer has, dropped. */
  droppedUnknownChannel = 0;
  /** Messages sent and handed to the script, by name (bounded by the config's messages). */
  readonly sentByName = new Map<string, number>();
  private readonly layout: BitLayout<RpcMessage>;
  readonly receivedByName = new Map<string, number>();

  constructor(
    private readonly node: NetworkNode,
    config: NetworkConfig,
    private readonly channels: Channels,
    private readonly events: ScriptEvent[],
    /** Whether this peer is in a game session now. */
    private readonly inSession: () => boolean,
  ) {
    this.layout = rpcLayout(config);
    node.handle(Service.Rpc, (connection, r) => this.onMessage(connection, r.rest()));
  }

  /** Send checked, quantized arguments. */
  send(message: MessageType, target: RpcTarget, args: readonly WireValue[]): void {
    const fn = `RPC.${message.name}`;
    if (message.sessionBound && !this.inSession()) throw new NetworkError(`${fn}: the message is session bound and this peer is not in a game session`);
    let peer: PeerId;
    let onChannel: RpcMessage['channel'];
    if ('channel' in target) {
      const channel = target.channel;
      if (channel.state === 'disconnecting' || channel.state === 'disconnected') return this.node.dropForDeparted(`${fn} to channel ${channel.id}`);
      if (channel.state !== 'connected') throw new NetworkError(`${fn}: channel ${channel.id} is ${channel.state}`);
      onChannel = { senderOpened: channel.openedHere, wireId: channel.wireId };
      peer = channel.peer;
    } else {
      peer = target.peer;
    }
    const body = writeBits(this.layout, { message, channel: onChannel, args });
    if (!this.node.isConnected(peer)) {
      if (this.node.hasDeparted(peer)) return this.node.dropForDeparted(`${fn} to peer ${peer}`);
      throw new NetworkError(`${fn}: no connection to peer ${peer}`);
    }
    this.node.send(peer, Service.Rpc, body, message.reliable, message.name);
    this.sentByName.set(message.name, (this.sentByName.get(message.name) ?? 0) + 1);
  }

  /** Returns the message's name: the network log's category for it. */
  private onMessage(connection: Connection, bytes: Uint8Array): string {
    const { message, channel: onChannel, args } = readBits(this.layout, bytes);
    let from: number | PeerId = connection.peer;
    let channel: Channel | undefined;
    if (onChannel) {
      channel = this.channels.fromWire(connection.peer, !onChannel.senderOpened, onChannel.wireId);
      if (!channel || channel.state === 'disconnected') {
        this.droppedUnknownChannel++;
        return message.name;
      }
      from = channel.id;
    }
    if (message.sessionBound && !this.inSession()) {
      this.droppedOutsideSession++;
      return message.name;
    }
    this.events.push({ name: 'rpc', message: message.name, from, args });
    this.receivedByName.set(message.name, (this.receivedByName.get(message.name) ?? 0) + 1);
    return message.name;
  }
}
