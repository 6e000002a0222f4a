/**
 * What a {@link NetworkPeer} emits during {@link NetworkPeer.update}: the game session's and the
 * lobby's news, each with one object argument.
 */
import type { PeerId } from '../core/base/peer_id.js';
import type { WireValue } from '../core/config/network_type.js';
import type { LobbyState } from '../core/lobby/lan_lobby.js';

/**
 * A peer's events by name, each listener receiving one object (`peer.on('objectCreated', (e) => ...)`).
 *
 * @category Session
 */
export interface PeerEvents {
  /** A game object another peer created arrived here; its fields are readable now. */
  objectCreated: [event: { readonly id: number; readonly type: string; readonly owner: PeerId }];
  /** A game object was destroyed by `by`; its fields are readable until the listeners return. */
  objectDestroyed: [event: { readonly id: number; readonly type: string; readonly by: PeerId }];
  /** The host gave this peer a game object that `from` owned. */
  objectMigratedToMe: [event: { readonly id: number; readonly from: PeerId }];
  /** The host gave a game object this peer owned to `to`. */
  objectMigratedAway: [event: { readonly id: number; readonly to: PeerId }];
  /** Host: `peer`, added to the session, now has every game object. Client: this peer has the host's. */
  syncDone: [event: { readonly peer: PeerId }];
  /** The session hosted by `host` ended for this peer (the host left, or the connection was lost). */
  sessionDisconnect: [event: { readonly host: PeerId }];
  /**
   * An RPC arrived: `from` is the sender's peer id (or, for a message a Lua peer sent on a lobby
   * channel, that channel's id); `args` are the message's arguments in order, as their types quantized them.
   */
  rpc: [event: { readonly message: string; readonly from: PeerId | number; readonly args: readonly WireValue[] }];
  /** The lobby this peer created or joined changed state (`'joined'`, or `'failed'` with `reason`). */
  lobbyState: [event: { readonly state: LobbyState; readonly reason: string }];
}
