-- A small networked game: the host opens a lobby and a game session; clients find it, join, and
-- each spawns a player object that walks in a circle. Everyone sees everyone's players move,
-- and players chat by RPC. The host ends the game after a while.
--
--   npx stingray-net run lua/examples/arena.lua --peers 3 --simulate loss=0.05,latency=40ms
-- Across processes over UDP (start the host first):
--   npx stingray-net run lua/examples/arena.lua --realtime --broadcast 127.255.255.255 -- --role host
--   npx stingray-net run lua/examples/arena.lua --realtime --broadcast 127.255.255.255 -- --role client
-- Options after "--": --role host|client, --lobby-port N (default 47310), --seconds N (game length, default 4),
-- --players N (the host's game starts once N other players have appeared; default 0: at once).

local function option(name, default)
	local argv = Application.argv()
	for i = 1, #argv - 1 do
		if argv[i] == name then return argv[i + 1] end
	end
	return default
end

local role = option("--role", option("--peer-index", "0") == "0" and "host" or "client")
local lobby_port = tonumber(option("--lobby-port", "47310"))
local game_length = tonumber(option("--seconds", "4"))
local players_wanted = tonumber(option("--players", "0"))

local client, lobby, browser, session, channel
local my_player
local time = 0
local game_time = 0  -- host: time since enough players appeared
local seen = {}      -- id -> true for players created by others
local channels = {}  -- host: channel -> peer

local events = {}

function events:approve_channel(channel_id, peer)
	channels[channel_id] = peer
	return true
end

function events:rpc_request_join(channel_id)
	-- Host: a client asked to play; add it to the session (its channel says who it is).
	GameSession.add_peer(session, channel_id)
end

function events:rpc_chat(sender, from_peer, text)
	printf("%s: chat from %s: %s", role, from_peer, text)
end

function events:game_object_created(id, owner)
	seen[id] = true
	Network.write_dump_tag("player " .. id .. " appeared")
	printf("%s: player %d of %s appeared at %s", role, id, owner, tostring(GameSession.game_object_field(session, id, "position")))
end

function events:game_object_destroyed(id, peer)
	printf("%s: player %d left (health %d)", role, id, GameSession.game_object_field(session, id, "health"))
	seen[id] = nil
end

function events:game_object_sync_done(peer)
	printf("host: %s has every object", peer)
end

function events:game_session_disconnect(host)
	printf("client: the host %s ended the game", host)
	my_player = nil -- the session and its objects are gone
	Application.quit()
end

local function spawn_player()
	my_player = GameSession.create_game_object(session, "player", {
		go_type = 1,
		owner = Network.peer_id(),
		position = Vector3(0, 0, 0),
		rotation = Quaternion.identity(),
		health = 100,
	})
end

local function move_player(dt)
	local angle = time * 2
	local radius = 5
	local position = Vector3(math.cos(angle) * radius, math.sin(angle) * radius, 0)
	GameSession.set_game_object_field(session, my_player, "position", position)
	GameSession.set_game_object_field(session, my_player, "rotation", Quaternion(Vector3(0, 0, 1), angle))
end

function init()
	client = Network.init_lan_client("global")
	if role == "host" then
		lobby = Network.create_lan_lobby(lobby_port, 8)
		session = Network.create_game_session()
		GameSession.make_game_session_host(session)
		spawn_player()
	else
		browser = client:lobby_browser()
		browser:refresh(lobby_port)
	end
end

local function update_client()
	if not lobby then
		if not browser:is_refreshing() then
			if browser:num_lobbies() > 0 then lobby = Network.join_lan_lobby(browser:lobby(0).id) else browser:refresh(lobby_port) end
		end
		return
	end
	if not channel and lobby:state() == LanLobby.JOINED and lobby:lobby_host() then
		channel = lobby:open_channel(lobby:lobby_host(), "session")
	end
	if channel and not session and Network.channel_state(channel) == "connected" then
		session = Network.create_game_session()
		GameSession.join(session, channel)
		RPC.rpc_request_join(channel)
	end
	if session and not my_player and GameSession.in_session(session) then
		spawn_player()
		RPC.rpc_chat(channel, Network.peer_id(), "hello from " .. Network.peer_id())
	end
end

function update(dt)
	time = time + dt
	Network.update_receive(dt, events)
	if role == "client" then update_client() end
	if my_player then move_player(dt) end
	local others = 0
	for _ in pairs(seen) do others = others + 1 end
	if others >= players_wanted then game_time = game_time + dt end
	if role == "host" and game_time >= game_length then
		printf("host: game over with %d other players", others)
		Network.write_dump_tag("game over")
		GameSession.shutdown_game_session_host(session)
		Application.quit()
	end
	Network.update_transmit()
end

function shutdown()
	if session then Network.shutdown_game_session() end
	if lobby then Network.leave_lan_lobby(lobby) end
	Network.shutdown_lan_client(client)
end
