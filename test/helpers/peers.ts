/**
 * Several peers' scripts run by the real runner, in this process (the network simulator) or as
 * separate processes (UDP on loopback).
 */
import path from 'node:path';
import { parseRunOptions } from '../../src/runner/run_options.js';
import { runScripts } from '../../src/runner/run_scripts.js';
import { tempProject, type CliResult } from './lua.js';

/** A small network config most network tests share. */
export const TEST_NETWORK_CONFIG = `
reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  count = { type = "int" min = 0 max = 1000 }
}
objects = {}
messages = {
  rpc_count = { args = ["count"] }
}
`;

/**
 * Run `scripts` (file name -> Lua source, run in that order) with `global.network_config` in one
 * process through the real runner; `flags` are extra run options (default: a perfect simulated
 * network, seed 1).
 */
export async function runPeers(scripts: Record<string, string>, flags: string[], files: Record<string, string> = {}): Promise<CliResult> {
  const dir = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG, ...files, ...scripts });
  let stdout = '';
  let stderr = '';
  const options = parseRunOptions([...Object.keys(scripts).map((name) => path.join(dir, name)), '--root', dir, '--simulate', 'perfect', '--seed', '1', ...flags]);
  const code = await runScripts(options, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** The lines one peer printed (`[i:name] ` prefixes removed). */
export function linesOf(output: string, peer: string): string[] {
  const prefix = `[${peer}] `;
  return output
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

/**
 * Lua for a peer that joins the first lobby found on port 4000 (browsing again until one answers):
 * `start_client(peer)` in init, then `join_when_found(key)` every frame after Network.update
 * (`key`: join by "id" or "address"). Its first line defines `number_type`: math.type on Lua 5.4;
 * on LuaJIT, which has one number type, "integer" for a whole number (the line count is unchanged).
 */
export const LUA_JOINER = `local number_type = math.type or function(x) return x % 1 == 0 and "integer" or "float" end
function start_client(peer)
  client = Network.init_lan_client("global", 0, peer)
  browser = client:lobby_browser()
  browser:refresh(4000)
end
function join_when_found(key)
  if lobby or browser:is_refreshing() then return end
  local entry = browser:lobby(0)
  if entry then lobby = Network.join_lan_lobby(entry[key or "id"]) else browser:refresh(4000) end
end
`;

/** Lua: `report()` prints `frame state host=... data.host=... members=...[ why=...]` of the global `lobby` whenever that changes (`frame` counts updates). */
export const LUA_LOBBY_REPORT = `
frame = 0
local last
function report(tag)
  if not lobby then return end
  local state, why = lobby:state()
  local line = string.format("%s host=%s data.host=%s members=%s%s", state, tostring(lobby:lobby_host()),
    tostring(lobby:data("host")), table.concat(lobby:members(), ","), why and (" why=" .. why) or "")
  if line ~= last then print(frame, line); last = line end
end
`;
