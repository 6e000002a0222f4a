-- A LAN lobby the way shipped games run one: the host creates a lobby and publishes data, the
-- others browse for it, join, and open a channel to the host, which approves it. Once every member
-- is in, the host leaves and the clients see their channels close.
--
-- In one process, on the network simulator:
--   npx stingray-net run lua/examples/lan_lobby.lua --peers 3 --simulate perfect
-- Across processes, over UDP on this machine (start the host first):
--   npx stingray-net run lua/examples/lan_lobby.lua --realtime --broadcast 127.255.255.255 -- --role host
--   npx stingray-net run lua/examples/lan_lobby.lua --realtime --broadcast 127.255.255.255 -- --role client
-- Options after "--": --role host|client (default: peer 0 hosts), --lobby-port N (default 47300),
-- --members N (the host waits for this many members, default 2 or the --peers count).

local function option(name, default)
	local argv = Application.argv()
	for i = 1, #argv - 1 do
		if argv[i] == name then return argv[i + 1] end
	end
	return default
end

local peer_index = tonumber(option("--peer-index", "0"))
local role = option("--role", peer_index == 0 and "host" or "client")
local lobby_port = tonumber(option("--lobby-port", "47300"))
local wanted_members = tonumber(option("--members", "2"))

local client, lobby, browser, channel, connected
local approved = 0
local linger = 1 -- seconds the host stays after the last approval, so clients see their channels connect
local events = {}

function events:approve_channel(channel_id, peer, lobby_id, message)
	approved = approved + 1
	printf("host: %s asks for a %q channel (%d) in lobby %s", peer, message, channel_id, lobby_id)
	return true
end

function init()
	client = Network.init_lan_client("global")
	if role == "host" then
		lobby = Network.create_lan_lobby(lobby_port, 8)
	else
		browser = client:lobby_browser()
		browser:refresh(lobby_port)
	end
end

local function update_host(dt)
	if lobby:state() ~= LanLobby.JOINED then return end
	if lobby:data("game") == nil then
		lobby:set_data("game", "patrol")
		lobby:set_data("max_players", 8)
		print("host: lobby " .. lobby:id() .. " is open")
	end
	if approved >= wanted_members - 1 and #lobby:members() >= wanted_members then
		if linger == 1 then printf("host: %d members, all channels approved", #lobby:members()) end
		linger = linger - dt
		if linger <= 0 then Application.quit() end
	end
end

local function update_client()
	if not lobby then
		if browser:is_refreshing() then return end
		if browser:num_lobbies() == 0 or browser:lobby(0).game == nil then
			browser:refresh(lobby_port) -- nobody there yet, or the lobby is still being set up: look again
			return
		end
		local entry = browser:lobby(0) -- browser indices are 0-based
		printf("client: found lobby %s hosted by %s (game %s, up to %s players)", entry.id, entry.host, entry.game, entry.max_players)
		lobby = Network.join_lan_lobby(entry.id)
		return
	end
	local state = lobby:state()
	if state == LanLobby.FAILED then
		print("client: could not join: " .. select(2, lobby:state()))
		Application.quit(1)
	elseif state == LanLobby.JOINED and not channel and lobby:lobby_host() then
		channel = lobby:open_channel(lobby:lobby_host(), "connection")
	elseif channel then
		local channel_state, reason = Network.channel_state(channel)
		if channel_state == "connected" and not connected then
			connected = true
			printf("client: channel %d to %s connected, ping %.0f ms", channel, Network.peer_id(channel), Network.ping(Network.peer_id(channel)) * 1000)
		elseif channel_state == "disconnected" then
			-- The host ends the game by leaving; anything else is a failure.
			print("client: channel closed: " .. reason)
			Application.quit(connected and 0 or 1)
		end
	end
end

function update(dt)
	Network.update(dt, events)
	if role == "host" then update_host(dt) else update_client() end
end

function shutdown()
	if lobby then Network.leave_lan_lobby(lobby) end
	Network.shutdown_lan_client(client)
end
