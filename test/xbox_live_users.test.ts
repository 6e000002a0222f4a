import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LUA_CONSOLE, XBOX_ROOT } from './helpers/consoles.js';
import { tempProject } from './helpers/lua.js';
import { platformVms } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const config = readFileSync(path.join(XBOX_ROOT, 'global.network_config'), 'utf8');

testOnEachVm('XboxLive: online state, local users sign in on first use, invites; MultiplayerSession host_peer, keywords, set_closed, groups, URIs, has_session_changed, member custom properties', async (t, vmUnderTest) => {
  const { vms, frames } = await platformVms(tempProject({ 'global.network_config': config }), 2, vmUnderTest.luaApi);
  const [host, guest] = vms as [(typeof vms)[0], (typeof vms)[0]];
  for (const vm of vms) vm.run(LUA_CONSOLE);
  const lines = (vm: (typeof vms)[0], lua: string): string[] => vm.run(lua).trimEnd().split('\n');

  t.deepEqual(
    lines(host, `print(rawget(_G, "XboxLive"), stingray.XboxOne) Network.init_xboxlive_client("global") print(XboxLive.online_state(), XboxOne.UNKNOWN, stingray.XboxLive == XboxLive)`),
    ['nil\tnil', 'unknown\tunknown\ttrue'],
    'the Xbox Live namespaces appear with its client, so scripts probing for them find the platform they run on',
  );
  guest.run('Network.init_xboxlive_client("global")');
  host.run('game = Network.create_multiplayer_session_host(0, "game1", "deathmatch", 0, 4, { "ffa" })');
  frames(5);
  t.deepEqual(
    lines(
      host,
      `print(XboxLive.online_state() == XboxOne.ONLINE, XboxLive.num_users(), XboxLive.user_cache_changed())
      print(MultiplayerSession.host_peer(game) == Network.peer_id(), table.concat(MultiplayerSession.keywords(game), ","))
      MultiplayerSession.set_keywords(0, game, { "ctf", "night" })
      second = Network.join_local_multiplayer_session(1, game)`,
    ),
    ['true\t1\tfalse', 'true\tffa'],
  );
  frames(5);
  t.deepEqual(
    lines(
      host,
      `local group = MultiplayerSession.group_id(second)
      print(group == game, MultiplayerSession.group_id(game) == game, MultiplayerSessionGroup.master_session(group) == game, MultiplayerSessionGroup.master_session(99))
      print(MultiplayerSessionGroup.all_sessions_have_status(group, MultiplayerSession.READY), MultiplayerSessionGroup.all_sessions_have_status(group, MultiplayerSession.WORKING))
      print(XboxLive.num_users(), XboxLive.user_cache_changed(), XboxLive.user_cache_changed())
      local a, b = XboxLive.users()
      print(a.id, b.id, b.xbox_user_id == MultiplayerSession.members(second)[2].xbox_user_id, b.signed_in, b.guest)
      print(try(XboxLive.user_info, 7))
      uri = MultiplayerSession.session_id_to_uri(MultiplayerSession.multiplayer_correlation_id(game))
      print(uri, MultiplayerSession.session_uri_to_description(uri))
      print(try(MultiplayerSession.session_uri_to_description, "game1"))
      MultiplayerSession.set_closed(game, true)`,
    ),
    [
      'true\ttrue\ttrue\tnil',
      'true\tfalse',
      '2\ttrue\tfalse',
      '0\t1\ttrue\ttrue\tfalse',
      'error: @: XboxLive.user_info: user 7 has not signed in on this console (users sign in when a script first uses them)',
      '/serviceconfigs/00000000-0000-0000-0000-000000000000/sessionTemplates/deathmatch/sessions/game1\tgame1\tdeathmatch',
      "error: @: bad argument #1 to 'MultiplayerSession.session_uri_to_description' (a session URI /serviceconfigs/<scid>/sessionTemplates/<template>/sessions/<name> expected, got 'game1')",
    ],
  );
  frames(3);
  guest.run('closed = Network.create_multiplayer_session_client(0, "game1", "deathmatch") browsing = Network.start_session_browsing(0, "deathmatch")');
  frames(5);
  t.deepEqual(lines(guest, 'print(MultiplayerSession.status(closed), #MultiplayerSessionBrowser.result(browsing))'), ['broken\t0'], 'a closed session refuses joins and is not listed');
  host.run('MultiplayerSession.set_closed(game, false)');
  frames(3);
  guest.run('joined = Network.create_multiplayer_session_client(0, "game1", "deathmatch") browsing = Network.start_session_browsing(0, "deathmatch")');
  frames(5);
  const [joinedLine, changedLine, badJson, noInvite] = lines(
    guest,
    `print(MultiplayerSession.status(joined), #MultiplayerSessionBrowser.result_filtered(browsing, { "ctf" }), #MultiplayerSessionBrowser.result_filtered(browsing, { "ffa" }))
    print(MultiplayerSession.has_session_changed(joined), MultiplayerSession.has_session_changed(joined))
    MultiplayerSession.set_current_user_member_custom_property_json(joined, "loadout", '{"gun":"rail"}')
    print(try(MultiplayerSession.set_current_user_member_custom_property_json, joined, "bad", "{"))
    print(XboxLive.has_new_game_invite(), XboxLive.last_game_invite())`,
  );
  t.deepEqual([joinedLine, changedLine, noInvite], ['ready\t1\t0', 'true\tfalse', 'false\tnil']);
  t.true(badJson?.startsWith("error: @: bad argument #3 to 'MultiplayerSession.set_current_user_member_custom_property_json' (JSON expected: "), badJson);
  host.run('MultiplayerSession.set_keywords(0, game, { "ctf" }) MultiplayerSession.invite_friends_list(0, game, { MultiplayerSession.members(game)[3].xbox_user_id }, "come")');
  frames(5);
  t.deepEqual(
    lines(
      guest,
      `print(MultiplayerSession.has_session_changed(joined), table.concat(MultiplayerSession.keywords(joined), ","))
      print(XboxLive.has_new_game_invite(), XboxLive.last_game_invite().custom_invite_id, XboxLive.has_new_game_invite())
      print(MultiplayerSession.members(joined)[3].custom_properties)`,
    ),
    ['true\tctf', 'true\tcome\tfalse', '{"loadout":{"gun":"rail"}}'],
  );
  t.deepEqual(lines(host, 'print(MultiplayerSession.members(game)[3].custom_properties, MultiplayerSession.members(game)[1].custom_properties)'), ['{"loadout":{"gun":"rail"}}\t{}']);
  t.deepEqual(lines(host, 'Network.shutdown_xboxlive_client() print(rawget(_G, "XboxLive"), stingray.XboxOne)'), ['nil\tnil'], 'and go with it');
});

testOnEachVm('SmartMatch on the platform service: two consoles\' tickets in one hopper are matched into one session (PreserveSessionMode.ALWAYS keeps its own); a lone ticket expires at its timeout; a deleted ticket is gone', async (t, vmUnderTest) => {
  const { vms, frames } = await platformVms(tempProject({ 'global.network_config': config }), 3, vmUnderTest.luaApi);
  const [first, second, lone] = vms as [(typeof vms)[0], (typeof vms)[0], (typeof vms)[0]];
  vms.forEach((vm, i) => vm.run(`${LUA_CONSOLE} Network.init_xboxlive_client("global") s = Network.create_multiplayer_session_host(0, "own${i}", "deathmatch", 0, 4)`));
  frames(5);
  const lines = (vm: (typeof vms)[0], lua: string): string[] => vm.run(lua).trimEnd().split('\n');
  t.deepEqual(lines(first, 'print(MultiplayerSession.smartmatch_status(s), try(MultiplayerSession.start_smartmatch_result, s))'), [
    'unknown\terror: @: MultiplayerSession.start_smartmatch_result: no SmartMatch was started in this session (MultiplayerSession.start_smartmatch)',
  ]);
  t.deepEqual(lines(first, 'print(try(MultiplayerSession.start_smartmatch, s, "ranked", 10, "sometimes"))'), [
    "error: @: bad argument #4 to 'MultiplayerSession.start_smartmatch' (PreserveSessionMode.ALWAYS or NEVER expected, got 'sometimes')",
  ]);
  first.run('MultiplayerSession.start_smartmatch(s, "ranked", 10, PreserveSessionMode.NEVER, \'{"skill": 3}\')');
  frames(3);
  second.run('MultiplayerSession.start_smartmatch(s, "ranked", 10, PreserveSessionMode.ALWAYS)');
  lone.run('MultiplayerSession.start_smartmatch(s, "casual", 0.5, PreserveSessionMode.NEVER)');
  frames(3);
  for (const vm of [first, second]) {
    const [status, result, ticket] = lines(vm, `print(MultiplayerSession.smartmatch_status(s))
      local name, template, waited = MultiplayerSession.smartmatch_result(s)
      print(name, template, waited >= 0)
      local id, wait = MultiplayerSession.start_smartmatch_result(s)
      print(id:match("^ranked/%d+$") ~= nil, wait == waited)`);
    t.is(status, 'found');
    t.is(result, 'own1\tdeathmatch\ttrue', 'both meet in the session the ALWAYS ticket keeps');
    t.is(ticket, 'true\ttrue');
  }
  t.deepEqual(lines(lone, 'print(MultiplayerSession.smartmatch_status(s))'), ['searching']);
  frames(20);
  t.deepEqual(lines(lone, 'print(MultiplayerSession.smartmatch_status(s), try(MultiplayerSession.smartmatch_result, s))'), [
    'expired\terror: @: MultiplayerSession.smartmatch_result: the SmartMatch of session 1 is expired, not found',
  ]);
  lone.run('MultiplayerSession.start_smartmatch(s, "casual", 30, PreserveSessionMode.NEVER)');
  frames(3);
  lone.run('local id = MultiplayerSession.start_smartmatch_result(s) MultiplayerSession.delete_smartmatch_ticket(s, "casual", id)');
  first.run('MultiplayerSession.start_smartmatch(s, "casual", 30, PreserveSessionMode.NEVER)');
  frames(3);
  t.deepEqual(lines(lone, 'print(MultiplayerSession.smartmatch_status(s))'), ['unknown']);
  t.deepEqual(lines(first, 'print(MultiplayerSession.smartmatch_status(s))'), ['searching'], 'the deleted ticket was not matched');
});
