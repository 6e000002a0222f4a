/**
 * Engine functions this project does not provide yet, or cannot: each raises a Lua error saying it
 * is unsupported and why, instead of being nil ("attempt to call a nil value") or doing nothing.
 * Constants of those subsystems are defined (as the lowercase strings newer scripts compare with),
 * so scripts that only read them load.
 */
import { LuaRaise } from './lua_bridge.js';
import type { LuaVm } from './lua_vm.js';

const PLATFORMS = 'the Steam, PSN and Xbox Live emulations are not built yet';
const UNITS = 'there is no engine world or units in a headless run';

/** Namespace -> function name -> why it is unsupported. */
export const UNSUPPORTED: Record<string, Record<string, string>> = {
  Network: {
    ...Object.fromEntries(
      [
        'init_steam_client', 'shutdown_steam_client', 'create_steam_lobby', 'join_steam_lobby', 'leave_steam_lobby',
        'init_steam_server', 'shutdown_steam_server', 'join_steam_server', 'leave_steam_server', 'reserve_steam_server',
        'get_local_ping_location', 'get_relay_network_status',
        'init_psn_client', 'shutdown_psn_client', 'create_psn_room', 'join_psn_room', 'leave_psn_room',
        'init_xboxlive_client', 'shutdown_xboxlive_client', 'xboxlive_client_exists', 'create_multiplayer_session_host',
        'create_multiplayer_session_client', 'free_multiplayer_session', 'start_session_browsing', 'free_session_browsing',
        'clean_sessions', 'clear_activity', 'set_activity',
      ].map((name) => [name, PLATFORMS]),
    ),
    init_wan_client: "the WAN client (Darktide's backend-relayed networking) is not provided; use init_lan_client",
    init_wan_server: "the WAN server (Darktide's backend-relayed networking) is not provided; use init_lan_client",
  },
  GameSession: { unit_synchronizer: UNITS },
  UnitSynchronizer: { set_world: UNITS },
  SteamLobby: Object.fromEntries(['state', 'members', 'lobby_host', 'request_lobby_data', 'open_channel', 'close_channel', 'set_max_members'].map((n) => [n, PLATFORMS])),
  SteamLobbyBrowser: Object.fromEntries(['add_filter', 'add_distance_filter', 'add_near_filter', 'add_slots_filter', 'clear_filters'].map((n) => [n, PLATFORMS])),
  SteamGameServer: Object.fromEntries(
    ['app_id', 'name', 'remove_member', 'run_callbacks', 'set_game_tags', 'set_score', 'state', 'open_channel', 'close_channel', 'country_code', 'has_license', 'id', 'set_map', 'set_max_members'].map((n) => [n, PLATFORMS]),
  ),
  SteamGameServerLobby: Object.fromEntries(['state', 'auto_update_data', 'fail_reason', 'game_session_host', 'open_channel', 'close_channel', 'join'].map((n) => [n, PLATFORMS])),
  SteamServerBrowser: Object.fromEntries(
    ['is_refreshing', 'num_servers', 'abort_refresh', 'add_favorite', 'add_filter', 'clear_filters', 'data_all', 'is_fetching_data', 'refresh', 'remove_favorite', 'request_data', 'server'].map((n) => [n, PLATFORMS]),
  ),
  SteamMisc: { get_lobby_data: PLATFORMS, get_lobby_data_by_key: PLATFORMS },
  SteamClient: { get_connection_info: PLATFORMS, write_detailed_connection_status_to_log: PLATFORMS },
};

/** Constants of subsystems not built yet, equal to the strings scripts compare with. */
const CONSTANTS: Record<string, string[]> = {
  Network: ['STEAM_LOBBY_PUBLIC', 'STEAM_LOBBY_PRIVATE', 'STEAM_LOBBY_FRIENDS_ONLY', 'STEAM_LOBBY_INVISIBLE'],
  SteamLobby: ['CREATING', 'JOINING', 'JOINED', 'FAILED'],
  SteamLobbyBrowser: ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_OR_EQUAL', 'GREATER', 'GREATER_OR_EQUAL', 'CLOSE', 'DEFAULT', 'FAR', 'WORLD'],
  SteamGameServer: ['CONNECTED', 'DISCONNECTED', 'USER_HAS_LICENSE', 'USER_HAS_NOT_LICENSE'],
  SteamGameServerLobby: ['JOINED', 'FAILED', 'SERVER_IS_FULL', 'TIMEOUT'],
  SteamServerBrowser: ['FAVORITES', 'FRIENDS', 'HISTORY', 'INTERNET', 'LAN'],
};

export function installUnsupported(vm: LuaVm): void {
  for (const [namespace, functions] of Object.entries(UNSUPPORTED)) {
    for (const [name, why] of Object.entries(functions)) {
      vm.defineFunction(namespace, name, () => {
        throw new LuaRaise(`${namespace}.${name} is unsupported: ${why}`);
      });
    }
  }
  for (const [namespace, names] of Object.entries(CONSTANTS)) {
    for (const name of names) vm.defineConstant(namespace, name, name.replace(/^STEAM_LOBBY_/, '').toLowerCase());
  }
  // WotR/WotV spell it without the underscore.
  vm.defineConstant('Network', 'STEAM_LOBBY_FRIENDSONLY', 'friends_only');
}
