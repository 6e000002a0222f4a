import test, { type ExecutionContext } from 'ava';
import { LUA_CONSOLE, PSN_ROOT, XBOX_ROOT } from './helpers/consoles.js';
import type { TestVm } from './helpers/lua.js';
import { platformVms } from './helpers/platform.js';

/** A call that must be refused: which peer makes it, the function its error must name, and the Lua statement. */
interface Refusal {
  by: 'host' | 'guest';
  fn: string;
  call: string;
}

interface Peers {
  host: TestVm;
  guest: TestVm;
  frames: (n: number) => void;
}

/** Two peers on one simulated network and platform service, closed by the test's teardown, with LUA_CONSOLE run. */
async function twoPeers(t: ExecutionContext, root: string): Promise<Peers> {
  const { vms, frames } = await platformVms(root, 2);
  t.teardown(() => vms.forEach((vm) => vm.vm.close()));
  for (const vm of vms) vm.run(LUA_CONSOLE);
  return { host: vms[0]!, guest: vms[1]!, frames };
}

const snapshot = (vm: TestVm): string => vm.run('print(snapshot())');

/**
 * Each refusal in turn: a Lua error raised by its function, and what `snapshot()` (Lua both peers
 * define) reads is the same on the calling peer at once, and on both peers after some updates.
 */
function checkRefusals(t: ExecutionContext, peers: Peers, refusals: readonly Refusal[]): void {
  for (const { by, fn, call } of refusals) {
    const before = { host: snapshot(peers.host), guest: snapshot(peers.guest) };
    const result = peers[by].run(`print(try(function() ${call} end))`).trimEnd();
    const raisedBy = /^error: @: bad argument #\d+ to '([\w.]+)' \(/.exec(result)?.[1] ?? /^error: @: ([\w.]+): /.exec(result)?.[1];
    t.is(raisedBy, fn, `${by}: ${call} → ${result}`);
    t.is(snapshot(peers[by]), before[by], `${by}: ${call} changed what this peer reads`);
    peers.frames(3);
    t.is(snapshot(peers.host), before.host, `${by}: ${call} changed what the host reads, after updates`);
    t.is(snapshot(peers.guest), before.guest, `${by}: ${call} changed what the guest reads, after updates`);
  }
}

/** Everything a script reads about PSN room `room`, on one line. */
const PSN_SNAPSHOT = `
function snapshot()
  local parts = { PsnRoom.state(room), PsnRoom.id(room), PsnRoom.name(room), PsnRoom.num_members(room), PsnRoom.owner(room), PsnRoom.lobby_host(room),
    tostring(PsnRoom.game_session_host(room)), tostring(PsnRoom.data(room)), tostring(PsnRoom.data_internal(room)) }
  for i = 0, PsnRoom.num_members(room) - 1 do
    local m = PsnRoom.member(room, i)
    parts[#parts + 1] = m.peer_id .. "/" .. m.np_id .. "/" .. m.handle
  end
  for i = 1, 7 do parts[#parts + 1] = tostring(PsnRoom.searchable_attribute(room, PsnRoom["SEARCHABLE_INTEGER_ID_" .. i])) end
  return table.concat(parts, " ")
end
`;

test('state-changing PsnRoom functions that fail change nothing: each refused call (over-limit sizes, wrong types, bad ids, not the owner) leaves the room as both members read it, and it stays writable', async (t) => {
  const peers = await twoPeers(t, PSN_ROOT);
  const { host, guest, frames } = peers;
  for (const vm of [host, guest]) vm.run(`client = Network.init_psn_client("global") ${PSN_SNAPSHOT}`);
  frames(3);
  host.run('room = Network.create_psn_room("arena", 4)');
  frames(3);
  guest.run(`room = Network.join_psn_room("${host.run('print(PsnRoom.id(room))').trim()}")`);
  frames(5);
  host.run(`PsnRoom.set_data(room, "coop")
    PsnRoom.set_data_internal(room, "secret")
    PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_1, 2)
    PsnRoom.set_game_session_host(room, Network.peer_id())`);
  frames(3);
  const start = snapshot(guest);
  t.regex(start, /^joined \w+ arena 2 .* coop secret .* 2 nil nil nil nil nil nil\n$/);
  t.is(snapshot(host), start, 'both members read the same room');

  const byHost = (fn: string, call: string): Refusal => ({ by: 'host', fn, call });
  const byGuest = (fn: string, call: string): Refusal => ({ by: 'guest', fn, call });
  checkRefusals(t, peers, [
    byHost('PsnRoom.set_data', 'PsnRoom.set_data(room, string.rep("x", 256))'),
    byHost('PsnRoom.set_data', 'PsnRoom.set_data(room, {})'),
    byHost('PsnRoom.set_data', 'PsnRoom.set_data(99, "x")'),
    // 256 bytes in 128 characters.
    byHost('PsnRoom.set_data_internal', 'PsnRoom.set_data_internal(room, string.rep("é", 128))'),
    byHost('PsnRoom.set_searchable_attribute', 'PsnRoom.set_searchable_attribute(room, "searchable_integer_id_8", 1)'),
    byHost('PsnRoom.set_searchable_attribute', 'PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_2, -1)'),
    byHost('PsnRoom.set_searchable_attribute', 'PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_2, 2^32)'),
    byHost('PsnRoom.set_searchable_attribute', 'PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_2, 1.5)'),
    byHost('PsnRoom.set_game_session_host', 'PsnRoom.set_game_session_host(room, {})'),
    byHost('PsnRoom.set_game_session_host', 'PsnRoom.set_game_session_host(room, "not a peer")'),
    byHost('PsnRoom.set_name', 'PsnRoom.set_name(room, string.rep("n", 1025))'),
    byHost('PsnRoom.set_name', 'PsnRoom.set_name(room, {})'),
    byHost('PsnRoom.set_max_members', 'PsnRoom.set_max_members(room, 0)'),
    byHost('PsnRoom.set_max_members', 'PsnRoom.set_max_members(room, 65)'),
    byHost('PsnRoom.set_max_members', 'PsnRoom.set_max_members(room, "many")'),
    byHost('Network.leave_psn_room', 'Network.leave_psn_room(99)'),
    byHost('Network.create_psn_room', 'Network.create_psn_room(string.rep("n", 1025), 4)'),
    byGuest('PsnRoom.set_data', 'PsnRoom.set_data(room, "mine")'),
    byGuest('PsnRoom.set_data_internal', 'PsnRoom.set_data_internal(room, "mine")'),
    byGuest('PsnRoom.set_searchable_attribute', 'PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_1, 5)'),
    byGuest('PsnRoom.set_game_session_host', 'PsnRoom.set_game_session_host(room, Network.peer_id())'),
    byGuest('PsnRoom.set_name', 'PsnRoom.set_name(room, "mine")'),
    byGuest('PsnRoom.set_max_members', 'PsnRoom.set_max_members(room, 8)'),
  ]);

  host.run('PsnRoom.set_data(room, "after") PsnRoom.set_name(room, string.rep("n", 1024))');
  frames(3);
  t.deepEqual(
    [host, guest].map((vm) => vm.run('print(PsnRoom.data(room), #PsnRoom.name(room))')),
    ['after\t1024\n', 'after\t1024\n'],
    'the room stays writable, up to the limits',
  );
});

/** Everything a script reads at once about Xbox Live session `game` and this console's users and invites, on one line. */
const XBOX_SNAPSHOT = `
function snapshot()
  local parts = { MultiplayerSession.status(game), tostring(MultiplayerSession.host(game)), tostring(MultiplayerSession.host_peer(game)),
    tostring(MultiplayerSession.multiplayer_correlation_id(game)), table.concat(MultiplayerSession.keywords(game), ","),
    MultiplayerSession.group_id(game), MultiplayerSession.smartmatch_status(game), XboxLive.num_users(), tostring(XboxLive.has_new_game_invite()) }
  for _, m in ipairs(MultiplayerSession.members(game)) do
    parts[#parts + 1] = m.gamertag .. "/" .. m.peer .. "/" .. m.xbox_user_id .. "/" .. m.custom_properties
  end
  return table.concat(parts, " ")
end
-- What a script reads through jobs: the custom property "mode", and the sessions listed (a closed one is not).
function settled()
  local property = MultiplayerSession.custom_property_json(game, "mode")
  local browsing = Network.start_session_browsing(0, "deathmatch")
  settle(function()
    return MultiplayerSession.custom_property_json_status(property) ~= SessionJobStatus.WORKING and MultiplayerSessionBrowser.status(browsing) ~= SessionJobStatus.WORKING
  end, "jobs")
  local listed = {}
  for _, s in ipairs(MultiplayerSessionBrowser.result(browsing)) do listed[#listed + 1] = s.session_name .. "/" .. s.members end
  return tostring(MultiplayerSession.custom_property_json_result(property)) .. " " .. table.concat(listed, ",")
end
-- As many keywords as a session may have, and one xuid more than a request may carry.
many, xuids = {}, {}
for i = 1, 64 do many[i] = "k" .. i end
for i = 1, 101 do xuids[i] = tostring(i) end
`;

test('state-changing MultiplayerSession and Xbox Live functions that fail change nothing: each refused call (over-limit sizes, wrong types, bad ids and users, not the host) leaves the session as both members read it, and it stays writable', async (t) => {
  const peers = await twoPeers(t, XBOX_ROOT);
  const { host, guest, frames } = peers;
  for (const vm of [host, guest]) vm.run(`Network.init_xboxlive_client("global") ${XBOX_SNAPSHOT}`);
  host.run('game = Network.create_multiplayer_session_host(0, "game1", "deathmatch", 0, 4, { "ffa" })');
  frames(5);
  guest.run('game = Network.create_multiplayer_session_client(0, "game1", "deathmatch")');
  frames(5);
  host.run(`MultiplayerSession.set_custom_property_json(game, "mode", '"ffa"')
    MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", '{"gun":"axe"}')`);
  guest.run(`MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", '{"gun":"axe"}')`);
  frames(3);
  const start = snapshot(guest);
  t.regex(start, /^ready \w+ \w+ [\w-]+ ffa 1 unknown 1 false (xbox \w+\/\w+\/\d+\/\{"loadout":\{"gun":"axe"\}\} ?){2}\n$/);
  t.is(snapshot(host), start, 'both members read the same session');
  const listed = ['"ffa" game1/2\n', '"ffa" game1/2\n'];
  t.deepEqual([host, guest].map((vm) => vm.run('print(settled())')), listed);

  const byHost = (fn: string, call: string): Refusal => ({ by: 'host', fn, call });
  const byGuest = (fn: string, call: string): Refusal => ({ by: 'guest', fn, call });
  const set = 'MultiplayerSession.set_keywords';
  const property = 'MultiplayerSession.set_custom_property_json';
  const memberProperty = 'MultiplayerSession.set_current_user_member_custom_property_json';
  const smartmatch = 'MultiplayerSession.start_smartmatch';
  checkRefusals(t, peers, [
    byHost(set, 'MultiplayerSession.set_keywords(0, game, { "k0", table.unpack(many) })'),
    byHost(set, 'MultiplayerSession.set_keywords(0, game, { "ctf", "" })'),
    byHost(set, 'MultiplayerSession.set_keywords(0, game, { string.rep("k", 64) })'),
    byHost(set, 'MultiplayerSession.set_keywords(0, game, "ctf")'),
    byHost(set, 'MultiplayerSession.set_keywords(0, 99, { "ctf" })'),
    byHost(set, 'MultiplayerSession.set_keywords(256, game, { "ctf" })'),
    byHost('MultiplayerSession.set_closed', 'MultiplayerSession.set_closed(game, "yes")'),
    byHost('MultiplayerSession.set_closed', 'MultiplayerSession.set_closed(99, true)'),
    byHost(property, 'MultiplayerSession.set_custom_property_json(game, "mode", "{")'),
    byHost(property, `MultiplayerSession.set_custom_property_json(game, "mode", '"' .. string.rep("x", 70000) .. '"')`),
    byHost(memberProperty, 'MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", "{")'),
    byHost(memberProperty, `MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", '"' .. string.rep("x", 5000) .. '"')`),
    byHost(smartmatch, 'MultiplayerSession.start_smartmatch(game, string.rep("h", 257), 10, PreserveSessionMode.NEVER)'),
    byHost(smartmatch, 'MultiplayerSession.start_smartmatch(game, "hopper", 0, PreserveSessionMode.NEVER)'),
    byHost(smartmatch, 'MultiplayerSession.start_smartmatch(game, "hopper", 10, "sometimes")'),
    byHost(smartmatch, 'MultiplayerSession.start_smartmatch(game, "hopper", 10, PreserveSessionMode.NEVER, "{")'),
    byHost(smartmatch, `MultiplayerSession.start_smartmatch(game, "hopper", 10, PreserveSessionMode.NEVER, '"' .. string.rep("a", 4095) .. '"')`),
    byHost('Network.set_activity', 'Network.set_activity(1, game)'),
    byHost('Network.join_local_multiplayer_session', 'Network.join_local_multiplayer_session(0, game)'),
    byHost('Network.free_multiplayer_session', 'Network.free_multiplayer_session(game)'),
    byHost('Network.send_invites', 'Network.send_invites(0, game, xuids)'),
    byHost('Network.send_invites', 'Network.send_invites(0, game, { MultiplayerSession.members(game)[2].xbox_user_id }, string.rep("i", 1025))'),
    byHost('MultiplayerSession.invite_friends_list', 'MultiplayerSession.invite_friends_list(0, game, "x")'),
    byHost('Network.set_presence', 'Network.set_presence(0, string.rep("p", 257))'),
    // User 2 would sign in on first use: not by a refused call.
    byHost('Network.create_multiplayer_session_host', 'Network.create_multiplayer_session_host(2, "game2", "deathmatch", 0, 4, { "k0", table.unpack(many) })'),
    byGuest(set, 'MultiplayerSession.set_keywords(0, game, { "ctf" })'),
    byGuest('MultiplayerSession.set_closed', 'MultiplayerSession.set_closed(game, true)'),
    byGuest(property, `MultiplayerSession.set_custom_property_json(game, "mode", '"ctf"')`),
    byGuest(memberProperty, 'MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", "{")'),
  ]);
  t.deepEqual([host, guest].map((vm) => vm.run('print(settled())')), listed, 'the custom property is as it was and the session still listed (open)');

  host.run(`MultiplayerSession.set_keywords(0, game, many)
    MultiplayerSession.set_custom_property_json(game, "mode", '"ctf"')`);
  guest.run(`MultiplayerSession.set_current_user_member_custom_property_json(game, "loadout", '{"gun":"rail"}')`);
  frames(3);
  t.deepEqual(
    [host, guest].map((vm) => vm.run('local k = MultiplayerSession.keywords(game) print(#k, k[64], MultiplayerSession.members(game)[2].custom_properties, settled())')),
    Array(2).fill('64\tk64\t{"loadout":{"gun":"rail"}}\t"ctf" game1/2\n'),
    'the session stays writable, up to the limits',
  );
});
