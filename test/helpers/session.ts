/**
 * A network config and Lua helpers for game session tests: a host that admits peers asking to
 * join, and clients that find its lobby, open a channel, join its session.
 */
import { LUA_JOINER, LUA_NUMBER_TYPE } from './peers.js';

export const SESSION_CONFIG = `
reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  game_object_id = { type = "int" min = 0 max = 65535 }
  lookup = { type = "int" min = 1 max = 4096 }
  count = { type = "int" min = -1000 max = 1000 }
  position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 tolerance = 0.01 }
  rotation = { type = "quaternion" bits = 19 }
  health = { type = "float" min = 0 max = 255.75 bits = 10 }
  speed = { type = "float" min = -250 max = 250 }
  flag = { type = "bool" }
  peer_id = { type = "int64" }
  name = { type = "string" }
  hash = { type = "idstring64" }
  ids = { type = "array" element = "game_object_id" max_size = 8 }
}
objects = {
  unit = { fields = [
    { name = "go_type" type = "lookup" }
    { name = "position" type = "position" }
    { name = "rotation" type = "rotation" }
    { name = "health" type = "health" }
    { name = "owner" type = "peer_id" }
  ] }
  pickup = { update_rate = 10 fields = [ { name = "go_type" type = "lookup" } { name = "flag" type = "flag" } ] }
}
messages = {
  rpc_request_join = { args = [] session_bound = false }
  rpc_note = { args = ["name"] session_bound = false }
  rpc_count = { args = ["count"] }
  rpc_everything = { args = ["game_object_id" "count" "position" "rotation" "health" "speed" "flag" "peer_id" "name" "hash" "ids"] }
}
`;

/** Host and client sides of joining a session, for scripts to build on. */
export const LUA_SESSION = `${LUA_JOINER}
frame = 0
function host_start(peer)
  client = Network.init_lan_client("global", 0, peer)
  lobby = Network.create_lan_lobby(4000, 8)
  session = Network.create_game_session()
  GameSession.make_game_session_host(session)
end
-- Host callbacks: a peer that asks to join is added.
host_events = {
  rpc_request_join = function(self, channel) GameSession.add_peer(session, channel) end,
}
function client_start(peer) start_client(peer) end
-- Client: find the lobby, open a channel to its host, join the session; true once in it.
function client_step()
  join_when_found("id")
  if lobby and not channel and lobby:lobby_host() then channel = lobby:open_channel(lobby:lobby_host(), "session") end
  if channel and not session and Network.channel_state(channel) == "connected" then
    session = Network.create_game_session()
    GameSession.join(session, channel)
    RPC.rpc_request_join(channel)
  end
  return session ~= nil and GameSession.in_session(session)
end
-- A whole client script: join the session as peer, then in the first frame in it call send().
function client_sending_once(peer, send)
  function init() client_start(peer) end
  function update(dt)
    frame = frame + 1
    Network.update(dt, {})
    if client_step() and not sent then
      sent = true
      send()
    end
  end
end
function unit_fields(x)
  return { go_type = 1, position = Vector3(x, 0, 0), rotation = Quaternion.identity(), health = 100, owner = Network.peer_id() }
end
`;

/**
 * `check_fields(session, max_id)`: compare what `GameSession.game_object_field` answers (from the
 * Lua-side copy when it can) with `game_object_fields` (always answered by TypeScript), for every
 * field of ids 1..max_id (Vector3 and Quaternion values by type and components, and a new one per
 * read); an id that does not exist must fail to read. Counts into `checked` and `mismatches`,
 * printing each mismatch.
 */
export const LUA_FIELD_CHECK = `${LUA_NUMBER_TYPE}
checked, mismatches = 0, 0
local FIELDS = { unit = { "go_type", "position", "rotation", "health", "owner" }, pickup = { "go_type", "flag" } }
local function same(a, b)
  if type(a) ~= "table" then return a == b and number_type(a) == number_type(b) end
  return Script.type_name(a) == Script.type_name(b) and a.x == b.x and a.y == b.y and a.z == b.z and a.w == b.w
end
function check_fields(session, max_id)
  for id = 1, max_id do
    local ok, value = pcall(GameSession.game_object_field, session, id, "go_type")
    if GameSession.game_object_exists(session, id) then
      local all = GameSession.game_object_fields(session, id, {})
      local names = GameSession.game_object_is_type(session, id, "unit") and FIELDS.unit or FIELDS.pickup
      for _, name in ipairs(names) do
        local read = GameSession.game_object_field(session, id, name)
        checked = checked + 1
        if not same(read, all[name]) or (type(read) == "table" and rawequal(read, GameSession.game_object_field(session, id, name))) then
          mismatches = mismatches + 1
          print("mismatch", id, name, read, all[name])
        end
      end
    elseif ok or not tostring(value):find("no game object " .. id, 1, true) then
      mismatches = mismatches + 1
      print("stale", id, ok, value)
    end
  end
end
`;
