-- GameSession.game_object_field and set_game_object_field, answered on the Lua side when they can be:
-- a call into TypeScript costs ten pure-Lua table reads, and scripts make these calls every frame.
-- TypeScript (src/bindings/game_object_mirror.ts) keeps, per session userdata,
--   values[session][id][field]   the field's value, for every field whose value is not a table;
--   vectors[session][id][field]  { x, y, z } or { x, y, z, w } of a Vector3 or Quaternion field,
--                                read into a new value each time (scripts may change what they get);
--   last_set[session][id][field] the last value this peer's script set, for objects this peer owns,
-- and anything not found there goes to the TypeScript functions, which also raise every error
-- (naming the line that called these wrappers).
-- The engine's functions, under their own names as tracebacks show them, and the value types.
local game_object_field, set_game_object_field, Vector3_mt, Quaternion_mt = ...
local setmetatable = setmetatable

local NO_FIELDS = {}
local function no_fields()
	return NO_FIELDS
end
-- Unknown objects and sessions read as empty tables, so a lookup needs one nil test.
local objects_mt = { __index = no_fields }
local NO_OBJECTS = setmetatable({}, objects_mt)
local function no_objects()
	return NO_OBJECTS
end
local values = setmetatable({}, { __index = no_objects })
local vectors = setmetatable({}, { __index = no_objects })
local last_set = setmetatable({}, { __index = no_objects })

local function field(session, id, name)
	local value = values[session][id][name]
	if value ~= nil then
		return value
	end
	local c = vectors[session][id][name]
	if c ~= nil then
		if c[4] == nil then
			return setmetatable({ x = c[1], y = c[2], z = c[3] }, Vector3_mt)
		end
		return setmetatable({ x = c[1], y = c[2], z = c[3], w = c[4] }, Quaternion_mt)
	end
	-- Not a tail call: LuaJIT would drop this frame, and the error of the TypeScript function (raised
	-- at level 2, the caller of this wrapper) would name the wrong line.
	local result = game_object_field(session, id, name)
	return result
end

local function set_field(session, id, name, value)
	-- Setting again what was set last changes nothing (the engine would find it equal).
	if value ~= nil and last_set[session][id][name] == value then
		return
	end
	set_game_object_field(session, id, name, value) -- not a tail call, as in field()
end

return field, set_field, values, vectors, last_set, objects_mt
