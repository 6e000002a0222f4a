/**
 * Events for the script's callback table, queued in the order their messages arrived and
 * dispatched inside `Network.update*` as `tbl[name](tbl, ...args)`.
 */
import type { PeerId } from '../base/peer_id.js';
import type { WireValue } from '../config/network_type.js';

export type ScriptEvent =
  | { readonly name: 'game_object_created'; readonly id: number; readonly owner: PeerId }
  /** The object stays readable until the callback returns, then `release` forgets it. */
  | { readonly name: 'game_object_destroyed'; readonly id: number; readonly peer: PeerId; readonly release: () => void }
  | { readonly name: 'game_object_migrated_to_me'; readonly id: number; readonly peer: PeerId }
  | { readonly name: 'game_object_migrated_away'; readonly id: number; readonly peer: PeerId }
  | { readonly name: 'game_object_sync_done'; readonly peer: PeerId }
  | { readonly name: 'game_session_disconnect'; readonly peer: PeerId }
  /** An RPC: the handler gets the channel (newer scripts) or the sender's peer id (older ones). */
  | { readonly name: 'rpc'; readonly message: string; readonly from: number | PeerId; readonly args: readonly WireValue[] };
