-- A headless game loop: a guard walks a square patrol route, turning at each corner.
-- Run it with:  npx stingray-net run lua/examples/patrol.lua
local corners = {
	Vector3Box(0, 0, 0),
	Vector3Box(10, 0, 0),
	Vector3Box(10, 10, 0),
	Vector3Box(0, 10, 0),
}
local speed = 4 -- metres per second
local position, target, laps

function init()
	position = corners[1]:unbox()
	target = 2
	laps = 0
	print("guard starts at " .. tostring(position))
end

function update(dt)
	local goal = corners[target]:unbox()
	local to_goal = goal - position
	local step = speed * dt
	if Vector3.length(to_goal) <= step then
		position = goal
		local heading = Quaternion.look(Vector3.normalize(corners[target % #corners + 1]:unbox() - goal))
		printf("t=%.2f reached corner %d, now facing %s", Application.time_since_launch(), target,
			tostring(Quaternion.forward(heading)))
		target = target % #corners + 1
		if target == 2 then
			laps = laps + 1
			if laps == 2 then
				Application.quit()
			end
		end
	else
		position = position + Vector3.normalize(to_goal) * step
	end
end

function shutdown()
	printf("guard finished %d laps at %s", laps, tostring(position))
end
