-- Bench helper (bench/game_session_lua.bench.ts): peer 0 sends rpc_hello(frame) every frame once a
-- channel is up; peer 1 prints how many frames each took. The frame loop is split as games split it:
-- update_receive first, game logic, update_transmit last.
local hosting = Application.argv()[2] == "0"
local lobby, browser, channel
local frame, received = 0, 0
local events = {}

function events:rpc_hello(from, sent)
	received = received + 1
	print("latency " .. (frame - sent))
	if received == 50 then Application.quit() end
end

function init()
	local client = Network.init_lan_client("global")
	if hosting then
		browser = client:lobby_browser()
		browser:refresh(47499)
	else
		lobby = Network.create_lan_lobby(47499, 2)
	end
end

function update(dt)
	frame = frame + 1
	Network.update_receive(dt, events)
	if hosting then
		if not lobby and not browser:is_refreshing() then
			local entry = browser:lobby(0)
			if entry then lobby = Network.join_lan_lobby(entry.id) else browser:refresh(47499) end
		end
		if lobby and not channel and lobby:lobby_host() then channel = lobby:open_channel(lobby:lobby_host()) end
		if channel and Network.channel_state(channel) == "connected" then RPC.rpc_hello(channel, frame % 1024) end
		if received == 0 and frame > 500 then Application.quit() end
	end
	Network.update_transmit()
end
