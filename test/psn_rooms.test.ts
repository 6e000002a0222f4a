import { readFileSync } from 'node:fs';
import path from 'node:path';
import { consoleLines, LUA_CONSOLE, PSN_ROOT } from './helpers/consoles.js';
import { linesOf, runPeers } from './helpers/peers.js';
import { inOrder } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const PSN_CONFIG = { 'global.network_config': readFileSync(path.join(PSN_ROOT, 'global.network_config'), 'utf8') };

/** Lua: the PSN client started and signed in; `open(name)` creates a room for 4 and waits until it is joined. */
const PSN = `
client = Network.init_psn_client("global")
settle(function() return client:ready() end, "signing in")
function open(name)
  local room = Network.create_psn_room(name, 4)
  settle(function() return PsnRoom.state(room) ~= PsnRoom.CREATING end, "room " .. name)
  return room
end
`;

/**
 * Three peers. The host opens "arena" with room data, internal data and searchable attribute 1 =
 * its member count. m1 browses for attribute 1 == 1 (the room alone), m2 for == 2 (after m1
 * joined), so they join in that order. Before joining, m2 fetches the room's external data. Once
 * there are three, the host leaves; the longest-present member, m1, becomes the owner and
 * changes the room data, which m2 sees.
 */
const MIGRATION = {
  'host.lua': `${LUA_CONSOLE}
    function init() client = Network.init_psn_client("global") end
    function update(dt)
      Network.update(dt, events)
      if not client:ready() or left then return end
      room = room or Network.create_psn_room("arena", 4)
      if PsnRoom.state(room) ~= "joined" then return end
      local n = PsnRoom.num_members(room)
      if PsnRoom.searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_1) ~= n then
        PsnRoom.set_data(room, "coop")
        PsnRoom.set_data_internal(room, "secret")
        PsnRoom.set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_1, n)
      end
      if n == 3 then
        for i = 0, 3 do
          local m = PsnRoom.member(room, i)
          print("member", i, m and (m.peer_id .. " " .. m.np_id .. " " .. m.handle))
        end
        Network.leave_psn_room(room)
        left = true
        print("left", try(PsnRoom.state, room))
      end
    end`,
  ...Object.fromEntries(
    ['m1', 'm2'].map((name, i) => [
      `${name}.lua`,
      `${LUA_CONSOLE}
      local want = ${i + 1}
      function init() client = Network.init_psn_client("global") browser = client:room_browser() ext = client:room_data_external() end
      local function keys(t) local k = {} for key in pairs(t) do k[#k + 1] = key end table.sort(k) return table.concat(k, ",") end
      local last
      function update(dt)
        Network.update(dt, events)
        if not client:ready() then return end
        if not room and not fetching then
          if browser:is_refreshing() then return end
          if browser:num_rooms() == 0 then
            browser:clear_filters()
            browser:add_filter(PsnRoom.SEARCHABLE_INTEGER_ID_1, want, PsnRoomBrowser.EQUAL)
            return browser:refresh()
          end
          local e = browser:room(0)
          print("entry", keys(e), e.data, e.room_owner_np_id == browser:room_owner_np_id(0), browser:room(1))
          if want == 2 then ext:refresh({ e.id }) fetching = e.id return end
          room = Network.join_psn_room(e.id)
        end
        if fetching and not ext:is_refreshing() then
          local e = ext:entry(0)
          print("external", ext:num_entries(), keys(e), e.data)
          room = Network.join_psn_room(fetching)
          fetching = nil
        end
        if not room or PsnRoom.state(room) ~= "joined" then return end
        local owner = PsnRoom.owner(room) == Network.peer_id() and "me" or PsnRoom.owner(room)
        local line = string.format("owner=%s members=%d data=%s internal=%s attribute=%s", owner == "me" and "me" or "other", PsnRoom.num_members(room), PsnRoom.data(room), PsnRoom.data_internal(room), PsnRoom.searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_1))
        if line ~= last then print(line) last = line end
        if owner ~= "me" and not tried then tried = true print("set_data", try(PsnRoom.set_data, room, "mine")) end
        if owner == "me" and PsnRoom.data(room) == "coop" then PsnRoom.set_data(room, "new owner's") end
      end`,
    ]),
  ),
};

testOnEachVm('owner migration: when the owner leaves, the longest-present member owns the room and can change it; members see the room data and internal data, browsers and external data only the room data; member(room, i) fields', async (t, vmUnderTest) => {
  const out = await runPeers(MIGRATION, ['--frames', '200', ...vmUnderTest.flags], PSN_CONFIG);
  t.is(out.code, 0, out.stderr);
  const host = linesOf(out.stdout, '0:host');
  const members = host.slice(0, 4).map((line) => line.split('\t'));
  t.is(host.length, 5, host.join('\n'));
  for (const [i, member] of members.slice(0, 3).entries()) {
    const [peer, npId, handle] = member[2]!.split(' ');
    t.deepEqual(member.slice(0, 2), ['member', String(i)]);
    t.regex(peer!, /^[0-9a-f]{1,16}$/);
    t.regex(npId!, /^psn_[0-9a-f]{6}$/, 'the online id');
    t.is(handle, npId);
  }
  t.deepEqual(members[3], ['member', '3', 'nil']);
  t.is(host[4], "left\terror: @: bad argument #1 to 'PsnRoom.state' (no PSN room 1: never created, or left)");
  const notOwner = (owner: string) => `set_data\terror: @: PsnRoom.set_data: only the lobby host can do this (the lobby host is ${owner})`;
  const hostPeer = members[0]![2]!.split(' ')[0]!;
  const entryKeys = 'data,id,max_members,name,num_members,owner,room_owner_np_id,searchable_integer_id_1';
  const m1Peer = members[1]![2]!.split(' ')[0]!;
  // Changes that arrive within one update show as one.
  inOrder(t, linesOf(out.stdout, '1:m1'), [
    `entry\t${entryKeys}\tcoop\ttrue\tnil`,
    notOwner(hostPeer),
    'owner=me members=2 data=coop internal=secret attribute=3',
    "owner=me members=2 data=new owner's internal=secret attribute=3",
  ]);
  inOrder(t, linesOf(out.stdout, '2:m2'), [`entry\t${entryKeys}\tcoop\ttrue\tnil`, `external\t1\t${entryKeys}\tcoop`, notOwner(m1Peer)]);
  t.is(linesOf(out.stdout, '2:m2').at(-2), "owner=other members=2 data=new owner's internal=secret attribute=3");
});

testOnEachVm('PsnRoom.set_data and set_data_internal take at most 255 bytes (UTF-8 counted in bytes); pack_room_data raises unsupported', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `${PSN}
    local room = open("arena")
    print(try(PsnRoom.set_data, room, string.rep("x", 255)), #PsnRoom.data(room))
    print(try(PsnRoom.set_data, room, string.rep("x", 256)))
    print(try(PsnRoom.set_data, room, string.rep("é", 128)))
    print(try(PsnRoom.set_data_internal, room, string.rep("x", 256)))
    print(try(PsnRoom.set_data_internal, room, string.rep("é", 127)), #PsnRoom.data_internal(room))
    print(try(PsnRoom.pack_room_data, room))
  `,
    vmUnderTest.luaApi,
  );
  const tooLong = (fn: string, n: number) => `error: @: bad argument #2 to 'PsnRoom.${fn}' (room data is at most 255 bytes, got ${n})`;
  t.deepEqual(out, [
    'nil\t255',
    tooLong('set_data', 256),
    tooLong('set_data', 256),
    tooLong('set_data_internal', 256),
    'nil\t254',
    'error: @: PsnRoom.pack_room_data is unsupported: the reference does not say what it packs; set room data with PsnRoom.set_data / set_data_internal',
  ]);
});

testOnEachVm('room states: CREATING, then JOINED with an id, a name, this peer as owner and lobby host; joining a room that does not exist: JOINING, then FAILED with the reason; a left room\'s handle is gone', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `${PSN}
    print(PsnRoom.CREATING, PsnRoom.JOINING, PsnRoom.JOINED, PsnRoom.FAILED)
    local room = Network.create_psn_room("arena", 4)
    print(number_type(room), PsnRoom.state(room), PsnRoom.id(room), PsnRoom.num_members(room), PsnRoom.owner(room))
    settle(function() return PsnRoom.state(room) ~= "creating" end, "create")
    print(PsnRoom.state(room), PsnRoom.id(room) == PsnRoom.sce_np_room_id(room), PsnRoom.name(room), PsnRoom.num_members(room),
      PsnRoom.owner(room) == Network.peer_id(), PsnRoom.lobby_host(room) == Network.peer_id(), PsnRoom.game_session_host(room))
    PsnRoom.set_name(room, "arena 2")
    PsnRoom.set_game_session_host(room, Network.peer_id())
    print(PsnRoom.name(room), PsnRoom.game_session_host(room) == Network.peer_id())
    local nowhere = Network.join_psn_room("4000000000099")
    print(PsnRoom.state(nowhere))
    settle(function() return PsnRoom.state(nowhere) ~= "joining" end, "join")
    print(PsnRoom.state(nowhere))
    Network.leave_psn_room(room)
    print(try(PsnRoom.num_members, room))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'creating\tjoining\tjoined\tfailed',
    'integer\tcreating\tnil\t0\tnil',
    'joined\ttrue\tarena\t1\ttrue\ttrue\tnil',
    'arena 2\ttrue',
    'joining',
    'failed\tno PSN room 4000000000099',
    "error: @: bad argument #1 to 'PsnRoom.num_members' (no PSN room 1: never created, or left)",
  ]);
});

testOnEachVm('PsnRoomBrowser: filters on searchable attributes with every comparison, clear_filters, rooms by 0-based index (nil past the end), a refresh under way is not restarted', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `${PSN}
    for i = 1, 3 do PsnRoom.set_searchable_attribute(open("room" .. i), PsnRoom.SEARCHABLE_INTEGER_ID_2, i) end
    local browser = client:room_browser()
    local function found(...)
      browser:clear_filters()
      for _, f in ipairs({ ... }) do browser:add_filter(PsnRoom.SEARCHABLE_INTEGER_ID_2, f[1], f[2]) end
      browser:refresh()
      browser:refresh()
      settle(function() return not browser:is_refreshing() end, "refresh")
      local names = {}
      for i = 0, browser:num_rooms() - 1 do names[#names + 1] = browser:room(i).name .. "=" .. browser:room(i).searchable_integer_id_2 end
      table.sort(names)
      return browser:num_rooms() .. " " .. table.concat(names, ",") .. " " .. tostring(browser:room(browser:num_rooms()))
    end
    print("all", found())
    print("equal", found({ 2, PsnRoomBrowser.EQUAL }))
    print("not_equal", found({ 2, PsnRoomBrowser.NOT_EQUAL }))
    print("greater", found({ 2, PsnRoomBrowser.GREATER }))
    print("greater_or_equal", found({ 2, PsnRoomBrowser.GREATER_OR_EQUAL }))
    print("less", found({ 2, PsnRoomBrowser.LESS }))
    print("less_or_equal", found({ 2, PsnRoomBrowser.LESS_OR_EQUAL }))
    print("between", found({ 1, PsnRoomBrowser.GREATER }, { 3, PsnRoomBrowser.LESS }))
    print("none", found({ 9, PsnRoomBrowser.EQUAL }))
    print(try(browser.add_filter, browser, "level", 1))
    print(try(browser.add_filter, browser, PsnRoom.SEARCHABLE_INTEGER_ID_1, 1, "roughly"))
  `,
    vmUnderTest.luaApi,
  );
  t.is(out.length, 11, out.join('\n'));
  t.deepEqual(out.slice(0, 9), [
    'all\t3 room1=1,room2=2,room3=3 nil',
    'equal\t1 room2=2 nil',
    'not_equal\t2 room1=1,room3=3 nil',
    'greater\t1 room3=3 nil',
    'greater_or_equal\t2 room2=2,room3=3 nil',
    'less\t1 room1=1 nil',
    'less_or_equal\t2 room1=1,room2=2 nil',
    'between\t1 room2=2 nil',
    'none\t0  nil',
  ]);
  t.is(out[9], "error: @: bad argument #2 to 'PsnRoomBrowser.add_filter' (one of the PsnRoom.SEARCHABLE_INTEGER_ID_1..7 constants expected, got 'level')");
  t.regex(out[10]!, /^error: @: bad argument #4 to 'PsnRoomBrowser\.add_filter' \(.+\)$/);
});

testOnEachVm('PsnRoomDataExternal: refresh(ids) fetches the rooms\' data in the order asked (unknown ids left out); entry by 0-based index, all_entries; at most 64 ids', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `${PSN}
    local a, b = open("a"), open("b")
    PsnRoom.set_data(a, "data of a")
    PsnRoom.set_data_internal(a, "internal of a")
    PsnRoom.set_searchable_attribute(b, PsnRoom.SEARCHABLE_INTEGER_ID_3, 33)
    local ext = client:room_data_external()
    print(ext:is_refreshing(), ext:num_entries(), ext:entry(0), #ext:all_entries())
    ext:refresh({ PsnRoom.id(b), "4000000000099", PsnRoom.id(a) })
    print(ext:is_refreshing())
    settle(function() return not ext:is_refreshing() end, "external data")
    local function show(e) return e.name .. " " .. e.data .. " " .. e.num_members .. "/" .. e.max_members .. " " .. tostring(e.searchable_integer_id_3) .. " " .. tostring(e.owner == Network.peer_id()) end
    print(ext:num_entries(), show(ext:entry(0)), show(ext:entry(1)), ext:entry(2))
    local all = ext:all_entries()
    print(#all, show(all[1]), show(all[2]))
    ext:refresh({})
    settle(function() return not ext:is_refreshing() end, "nothing")
    print(ext:num_entries())
    local many = {}
    for i = 1, 65 do many[i] = PsnRoom.id(a) end
    print(try(ext.refresh, ext, many))
    print(try(ext.refresh, ext, "4000000000001"))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'false\t0\tnil\t0',
    'true',
    '2\tb  1/4 33 true\ta data of a 1/4 nil true\tnil',
    '2\tb  1/4 33 true\ta data of a 1/4 nil true',
    '0',
    'error: @: PsnRoomDataExternal.refresh: at most 64 rooms at a time, got 65',
    "error: @: bad argument #2 to 'PsnRoomDataExternal.refresh' (table of room ids expected, got string)",
  ]);
});

testOnEachVm('one network subsystem at a time: init_psn_client while a LAN, Steam or Xbox Live client runs is a Lua error; after shutdown_psn_client its rooms and client object are gone and another subsystem can start', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `local lan = Network.init_lan_client("global")
    print(try(Network.init_psn_client, "global"))
    Network.shutdown_lan_client(lan)
    local steam = Network.init_steam_client("global")
    print(try(Network.init_psn_client, "global"))
    Network.shutdown_steam_client(steam)
    Network.init_xboxlive_client("global")
    print(try(Network.init_psn_client, "global"))
    Network.shutdown_xboxlive_client()
    ${PSN}
    local room = open("arena")
    print(try(Network.init_psn_client, "global"))
    print(try(Network.init_xboxlive_client, "global"))
    Network.shutdown_psn_client(client)
    Network.shutdown_psn_client(client)
    print(try(PsnRoom.state, room))
    print(try(PsnClient.ready, client))
    Network.init_xboxlive_client("global")
    print("xbox", Network.xboxlive_client_exists())
  `,
    vmUnderTest.luaApi,
  );
  const already = (what: string) => `error: @: Network.init_psn_client: a ${what} is already running; only one network subsystem at a time (shut it down first)`;
  t.is(out.length, 8, out.join('\n'));
  t.deepEqual(out.slice(0, 5), [
    already('LAN client'),
    already('Steam client'),
    // "a Xbox" or "an Xbox": the article is not what this test is about.
    already(out[2]!.includes('an Xbox') ? 'n Xbox Live client' : 'Xbox Live client'),
    already('PSN client'),
    'error: @: Network.init_xboxlive_client: a PSN client is already running; only one network subsystem at a time (shut it down first)',
  ]);
  t.is(out[5], "error: @: bad argument #1 to 'PsnRoom.state' (no PSN room 1: never created, or left)");
  t.regex(out[6]!, /^error: @: .*PsnClient\.ready.*$/);
  t.is(out[7], 'xbox\ttrue');
});

testOnEachVm('a PSN function called while no client runs names the subsystem as its other errors do ("PSN client")', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    PSN_ROOT,
    `print(try(Network.create_psn_room, "arena", 4))
    Network.shutdown_psn_client(Network.init_psn_client("global"))
    print(try(Network.join_psn_room, "4000000000001"))`,
    vmUnderTest.luaApi,
  );
  const none = (fn: string) => `error: @: ${fn}: no PSN client is running (call Network.init_psn_client first)`;
  t.deepEqual(out, [none('Network.create_psn_room'), none('Network.join_psn_room')]);
});
