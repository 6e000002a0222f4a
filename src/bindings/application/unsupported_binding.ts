/**
 * Engine functions this project does not provide yet, or cannot: each raises a Lua error saying it
 * is unsupported and why, instead of being nil ("attempt to call a nil value") or doing nothing.
 */
import { LuaRaise } from '../../bridge/lua_api.js';
import type { LuaVm } from '../../bridge/lua_vm.js';

const RELAY = 'Steam Datagram Relay is not emulated: peers on the platform service reach each other directly';
const UNITS = 'there is no engine world or units in a headless run';

/** Namespace -> function name -> why it is unsupported. */
export const UNSUPPORTED: Record<string, Record<string, string>> = {
  Network: {
    get_local_ping_location: RELAY,
    get_relay_network_status: RELAY,
    init_wan_client: "the WAN client (Darktide's backend-relayed networking) is not provided; use init_lan_client",
    init_wan_server: "the WAN server (Darktide's backend-relayed networking) is not provided; use init_lan_client",
  },
  GameSession: {
    unit_synchronizer: UNITS,
    set_interpolation_lag_compensation: 'fields are not interpolated headless (interpolation smooths what is drawn between updates): received values apply as they arrive, so there is no lag to compensate',
    set_perfhud_pie_update_interval: "the perfhud is the engine's on-screen profiler and a headless run has no screen; record traffic with --network-log and read it with stingray-net analyze",
  },
  UnitSynchronizer: Object.fromEntries(['set_world', 'spawn_unit', 'destroy_unit', 'game_object_id_to_unit', 'unit_to_game_object_id'].map((name) => [name, UNITS])),
  PsnRoom: { pack_room_data: 'the reference does not say what it packs; set room data with PsnRoom.set_data / set_data_internal' },
  MultiplayerSession: {
    invite_friends: "it opens the console's friend picker, and a headless run has no system UI; invite chosen xuids with MultiplayerSession.invite_friends_list",
  },
  XboxLive: { show_account_picker: 'it opens the console\'s account picker, and a headless run has no system UI; local users are the ids scripts pass (0-255) and sign in when first used' },
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
