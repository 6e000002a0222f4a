/**
 * Engine functions this project does not provide yet, or cannot: each raises a Lua error saying it
 * is unsupported and why, instead of being nil ("attempt to call a nil value") or doing nothing.
 */
import { LuaRaise } from './lua_bridge.js';
import type { LuaVm } from './lua_vm.js';

const PLATFORMS = 'the PSN and Xbox Live emulations are not built yet';
const RELAY = 'Steam Datagram Relay is not emulated: peers on the platform service reach each other directly';
const UNITS = 'there is no engine world or units in a headless run';

/** Namespace -> function name -> why it is unsupported. */
export const UNSUPPORTED: Record<string, Record<string, string>> = {
  Network: {
    ...Object.fromEntries(
      [
        'init_psn_client', 'shutdown_psn_client', 'create_psn_room', 'join_psn_room', 'leave_psn_room',
        'init_xboxlive_client', 'shutdown_xboxlive_client', 'xboxlive_client_exists', 'create_multiplayer_session_host',
        'create_multiplayer_session_client', 'free_multiplayer_session', 'start_session_browsing', 'free_session_browsing',
        'clean_sessions', 'clear_activity', 'set_activity',
      ].map((name) => [name, PLATFORMS]),
    ),
    get_local_ping_location: RELAY,
    get_relay_network_status: RELAY,
    init_wan_client: "the WAN client (Darktide's backend-relayed networking) is not provided; use init_lan_client",
    init_wan_server: "the WAN server (Darktide's backend-relayed networking) is not provided; use init_lan_client",
  },
  GameSession: { unit_synchronizer: UNITS },
  UnitSynchronizer: { set_world: UNITS },
  SteamGameServer: { set_score: "player scores for the server browser's player list are not emulated (no SteamServerBrowser.players)" },
};

export function installUnsupported(vm: LuaVm): void {
  for (const [namespace, functions] of Object.entries(UNSUPPORTED)) {
    for (const [name, why] of Object.entries(functions)) {
      vm.defineFunction(namespace, name, () => {
        throw new LuaRaise(`${namespace}.${name} is unsupported: ${why}`);
      });
    }
  }
}
