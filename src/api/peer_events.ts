/**
 * What a {@link NetworkPeer} emits during {@link NetworkPeer.update}: the game session's and the
 * lobby's news, each with one object argument.
 */
import type { PeerId } from '../core/base/peer_id.js';
import type { WireValue } from '../core/config/network_type.js';
import type { LobbyState } from '../core/lobby/lan_lobby.js';

/**
 * A game object's arrival or departure.
 *
 * @category Session
 */
export interface ObjectEvent {
  /** The object's id. */
  readonly id: number;
  /** The object type's name. */
  readonly type: string;
  /** Created: the object's owner. Destroyed: the peer that destroyed it. */
  readonly peer: PeerId;
}

/**
 * A game object changing owner (the host migrates it).
 *
 * @category Session
 */
export interface MigrationEvent {
  /** The object's id. */
  readonly id: number;
  /** To this peer: the previous owner. Away from this peer: the new owner. */
  readonly peer: PeerId;
}

/**
 * News about one peer of the session.
 *
 * @category Session
 */
export interface PeerEvent {
  /** syncDone: the peer that now has every object. sessionDisconnect: the session's host. */
  readonly peer: PeerId;
}

/**
 * An RPC that arrived.
 *
 * @category Session
 */
export interface RpcEvent {
  /** The message's name in the config. */
  readonly message: string;
  /** The sender's peer id (or, for a message a Lua peer sent on a lobby channel, that channel's id). */
  readonly from: PeerId | number;
  /** The message's arguments in order, as their types quantized them. */
  readonly args: readonly WireValue[];
}

/**
 * The lobby's new state.
 *
 * @category Lobby
 */
export interface LobbyStateEvent {
  /** `'joined'` once in, `'failed'` when refused or lost. */
  readonly state: LobbyState;
  /** Why it failed ("" otherwise). */
  readonly reason: string;
}

/**
 * A peer's events by name, each listener receiving one object (`peer.on('objectCreated', (e) => ...)`).
 *
 * @category Session
 */
export interface PeerEvents {
  /** A game object another peer created arrived here (`peer` is its owner); its fields are readable now. */
  objectCreated: [event: ObjectEvent];
  /** A game object was destroyed (`peer` is who destroyed it); its fields are readable until the listeners return. */
  objectDestroyed: [event: ObjectEvent];
  /** The host gave this peer a game object (`peer` is its previous owner). */
  objectMigratedToMe: [event: MigrationEvent];
  /** The host gave a game object this peer owned to `peer`. */
  objectMigratedAway: [event: MigrationEvent];
  /** Host: `peer`, added to the session, now has every game object. Client: this peer has the host's. */
  syncDone: [event: PeerEvent];
  /** The session hosted by `peer` ended for this peer (the host left, or the connection was lost). */
  sessionDisconnect: [event: PeerEvent];
  /** An RPC arrived. */
  rpc: [event: RpcEvent];
  /** The lobby this peer created or joined changed state. */
  lobbyState: [event: LobbyStateEvent];
}
