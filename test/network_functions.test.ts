import { linesOf, LUA_JOINER, LUA_NUMBER_TYPE, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';

const HOST = `${LUA_NUMBER_TYPE}
frame = 0
function init()
  Network.set_explicit_connections()
  Network.init_lan_client("global", 0, "a1")
  lobby = Network.create_lan_lobby(4000, 4)
end
function update(dt)
  frame = frame + 1
  Network.update_receive(dt, {})
  local members = lobby:members()
  if #members == 2 and not peer then
    peer = members[2]
    -- The lobby snapshot for the new member was just queued: a little less than the 32768-byte buffer.
    local left = Network.reliable_send_buffer_left(peer)
    print("joined", peer, left < 32768 and left > 32000, number_type(left))
    print("used", number_type(Network.has_connection(peer)), Network.is_used(peer), Network.is_broken(peer), table.concat(Network.connections(), ","))
    print("destroy while used", pcall(Network.destroy_connection, peer))
    lobby:set_data("blob", string.rep("x", 5000))
  elseif peer and not filled then
    filled = true
    print("queued", Network.reliable_send_buffer_left(peer) < 32768 - 5000)
  elseif filled and not drained and Network.reliable_send_buffer_left(peer) == 32768 then
    drained = true
    print("drained", Network.ping(peer) > 0, Network.time_since_receive(peer) < 1)
  end
  if peer and Network.is_broken(peer) and not broken then
    broken = true
    print("broken", number_type(Network.has_connection(peer)), Network.ping(peer), Network.reliable_send_buffer_left(peer))
    Network.destroy_connection(peer)
    print("destroyed", Network.has_connection(peer), Network.is_broken(peer), #Network.connections())
  end
  Network.update_transmit()
end
`;

const CLIENT = `${LUA_JOINER}
frame = 0
function init() start_client("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  join_when_found("id")
  if frame == 80 then
    Network.leave_lan_lobby(lobby)
    Network.shutdown_lan_client(client)
  end
end
`;

testOnEachVm('send buffer, ping and explicit connections, from the host side of a lobby', async (t, vm) => {
  const result = await runPeers({ 'host.lua': HOST, 'client.lua': CLIENT }, ['--frames', '90', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '0:host'), [
    'joined\tb2\ttrue\tinteger',
    'used\tinteger\ttrue\tfalse\tb2',
    'destroy while used\tfalse\tNetwork.destroy_connection: the connection to b2 is used by lobby ' + /lobby ([0-9a-f]+)/.exec(result.stdout)?.[1] + '; leave those first',
    'queued\ttrue',
    'drained\ttrue\ttrue',
    'broken\tinteger\t0\t0',
    'destroyed\tnil\tfalse\t0',
  ]);
});

testOnEachVm('timers, MTU and QoS settings are checked and refuse bad values', async (t, vm) => {
  const script = `
function init()
  for _, name in ipairs({ "set_max_transmit_rate", "set_keep_alive_time", "set_keep_alive_time_connecting",
                          "set_max_receiver_lost_time", "set_pong_timeout", "set_resend_time", "set_ping_send_time", "set_ping_resend_time" }) do
    Network[name](0.5)
    print(name, pcall(Network[name], 0))
  end
  Network.limit_mtu(576)
  Network.limit_mtu(65536)
  print(pcall(Network.limit_mtu, "big"))
  Network.enable_qos(100, 200, 1000)
  print(pcall(Network.enable_qos, 300, 200, 1000))
  Network.set_qos_config({ enable = true, min_fill_rate_kbps = 64, max_fill_rate_kbps = 512 })
  print(pcall(Network.set_qos_config, { enable = true, min_fill_rate_kbps = "lots" }))
  Network.set_qos_config({ enable = false })
  print(pcall(Network.ping, {}))
  print(Network.ping("abc"), Network.reliable_send_buffer_left("abc"), Network.fatal_error())
  print(pcall(Network.time_since_receive, "abc"))
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  const timers = ['set_max_transmit_rate', 'set_keep_alive_time', 'set_keep_alive_time_connecting', 'set_max_receiver_lost_time', 'set_pong_timeout', 'set_resend_time', 'set_ping_send_time', 'set_ping_resend_time'];
  for (const [i, name] of timers.entries()) {
    t.is(lines[i], `${name}\tfalse\tbad argument #1 to 'Network.${name}' (a positive number of seconds expected, got 0)`);
  }
  t.deepEqual(lines.slice(timers.length), [
    "false\tbad argument #1 to 'Network.limit_mtu' (bytes expected, got string)",
    'false\tNetwork.enable_qos: need 0 < min_peer_kbps <= initial_peer_kbps and min_peer_kbps <= max_total_kbps (got 300, 200, 1000)',
    "false\tbad argument #1 to 'Network.set_qos_config' (field 'min_fill_rate_kbps' must be a number, got string)",
    "false\tbad argument #1 to 'Network.ping' (peer id expected, got table)",
    '0\t0\tfalse',
    'false\tNetwork.time_since_receive: no connection to peer abc',
  ]);
});
