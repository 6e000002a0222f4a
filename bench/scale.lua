-- Bench helper (bench/game_session_lua.bench.ts): peer 0 hosts a session, every other peer joins,
-- each owns one object that moves every frame; once the host has everyone and every object, it runs
-- 60 more frames (the bench times them) and quits.
local function option(name, default)
	local argv = Application.argv()
	for i = 1, #argv - 1 do
		if argv[i] == name then return argv[i + 1] end
	end
	return default
end
local index = tonumber(option("--peer-index", "0"))
local peers = tonumber(option("--peers", "64"))
local hosting = index == 0
local lobby, browser, channel, session, mine
local frame = 0
local converged_at
local events = {}

function events:rpc_request_join(ch) GameSession.add_peer(session, ch) end

local function unit()
	return { go_type = 1, owner = Network.peer_id(), position = Vector3(index, 0, 0), rotation = Quaternion.identity(), health = 100 }
end

function init()
	local client = Network.init_lan_client("global")
	if hosting then
		lobby = Network.create_lan_lobby(47498, peers)
		session = Network.create_game_session()
		GameSession.make_game_session_host(session)
		mine = GameSession.create_game_object(session, "player", unit())
	else
		browser = client:lobby_browser()
		browser:refresh(47498)
	end
end

local function count_objects()
	local n = 0
	for id = 1, 65535 do
		if GameSession.game_object_exists(session, id) then n = n + 1 end
		if n == peers then break end
	end
	return n
end

function update(dt)
	frame = frame + 1
	Network.update_receive(dt, events)
	if not hosting then
		if not lobby and not browser:is_refreshing() then
			local entry = browser:lobby(0)
			if entry then lobby = Network.join_lan_lobby(entry.id) else browser:refresh(47498) end
		end
		if lobby and not channel and lobby:lobby_host() then channel = lobby:open_channel(lobby:lobby_host()) end
		if channel and not session and Network.channel_state(channel) == "connected" then
			session = Network.create_game_session()
			GameSession.join(session, channel)
			RPC.rpc_request_join(channel)
		end
		if session and GameSession.in_session(session) and not mine then mine = GameSession.create_game_object(session, "player", unit()) end
	end
	if mine then GameSession.set_game_object_field(session, mine, "position", Vector3(index, frame % 100, 0)) end
	Network.update_transmit()
	if hosting then
		if not converged_at and frame % 10 == 0 and #GameSession.other_peers(session) == peers - 1 and count_objects() == peers then
			converged_at = frame
			printf("converged at frame %d with %d peers", frame, peers)
		end
		if converged_at and frame == converged_at + 60 then Application.quit() end
	elseif frame > 3000 then
		Application.quit(1)
	end
end
