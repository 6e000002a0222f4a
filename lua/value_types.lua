-- Stingray's math value types as plain Lua tables with shared metatables, and the Script helpers.
-- Vector3 is {x, y, z}; Quaternion is {x, y, z, w}. The network layer reads these fields to quantize them.
-- Stingray is Z-up with Y forward: forward = (0, 1, 0), right = (1, 0, 0), up = (0, 0, 1).
local host = ...

local sqrt, sin, cos, acos, abs = math.sqrt, math.sin, math.cos, math.acos, math.abs
-- atan(y, x): LuaJIT's math.atan takes one argument (its two-argument form is math.atan2).
local atan = math.atan2 or math.atan
local type, error, setmetatable, getmetatable, rawget = type, error, setmetatable, getmetatable, rawget
local format = string.format

local function float_text(v)
	return format("%.14g", v)
end

-- Engine types by their metatable's __name ("Vector3", "Vector4" for quaternions, "LanLobby"...),
-- anything else by its Lua type.
local function type_name(v)
	local mt = getmetatable(v)
	if type(mt) == "table" then
		local name = rawget(mt, "__name")
		if type(name) == "string" then
			return name
		end
	end
	return type(v)
end

---------------------------------------------------------------------------------------------------
-- Vector3
---------------------------------------------------------------------------------------------------
Vector3 = {}
local Vector3_mt = { __name = "Vector3" }
local COMPONENT = { "x", "y", "z", "w" }

local function vec(x, y, z)
	return setmetatable({ x = x, y = y, z = z }, Vector3_mt)
end

-- `fname` is the function's full name ("Vector3.dot"), as error messages show it. The error points at
-- the caller of the checking function, or `level` stack levels up from the check for helpers.
local function check_vector(v, fname, argn, level)
	if getmetatable(v) ~= Vector3_mt then
		error(format("bad argument #%d to '%s' (Vector3 expected, got %s)", argn, fname, type_name(v)), level or 3)
	end
	return v
end

local function check_number(n, fname, argn, level)
	if type(n) ~= "number" then
		error(format("bad argument #%d to '%s' (number expected, got %s)", argn, fname, type_name(n)), level or 3)
	end
	return n
end

setmetatable(Vector3, {
	__call = function(_, x, y, z)
		return vec(check_number(x or 0, "Vector3", 1), check_number(y or 0, "Vector3", 2),
			check_number(z or 0, "Vector3", 3))
	end,
})

Vector3_mt.__index = function(v, k)
	local name = COMPONENT[k]
	if name ~= nil and k <= 3 then
		return rawget(v, name)
	end
	return Vector3[k]
end

Vector3_mt.__newindex = function(v, k, value)
	local name = COMPONENT[k]
	if name == nil or k > 3 then
		error(format("cannot set field '%s' of a Vector3", tostring(k)), 2)
	end
	rawset(v, name, value)
end

-- The arithmetic metamethods check and build inline (a check function only reports a failure):
-- calls are what a vector operation costs on wasmoon.
function Vector3_mt.__add(a, b)
	if getmetatable(a) ~= Vector3_mt then check_vector(a, "Vector3.__add", 1) end
	if getmetatable(b) ~= Vector3_mt then check_vector(b, "Vector3.__add", 2) end
	return setmetatable({ x = a.x + b.x, y = a.y + b.y, z = a.z + b.z }, Vector3_mt)
end

function Vector3_mt.__sub(a, b)
	if getmetatable(a) ~= Vector3_mt then check_vector(a, "Vector3.__sub", 1) end
	if getmetatable(b) ~= Vector3_mt then check_vector(b, "Vector3.__sub", 2) end
	return setmetatable({ x = a.x - b.x, y = a.y - b.y, z = a.z - b.z }, Vector3_mt)
end

function Vector3_mt.__unm(a)
	return setmetatable({ x = -a.x, y = -a.y, z = -a.z }, Vector3_mt)
end

function Vector3_mt.__mul(a, b)
	if type(a) == "number" then
		a, b = b, a
	end
	if getmetatable(a) ~= Vector3_mt then check_vector(a, "Vector3.__mul", 1) end
	if type(b) ~= "number" then check_number(b, "Vector3.__mul", 2) end
	return setmetatable({ x = a.x * b, y = a.y * b, z = a.z * b }, Vector3_mt)
end

function Vector3_mt.__div(a, b)
	if getmetatable(a) ~= Vector3_mt then check_vector(a, "Vector3.__div", 1) end
	if type(b) ~= "number" then check_number(b, "Vector3.__div", 2) end
	return setmetatable({ x = a.x / b, y = a.y / b, z = a.z / b }, Vector3_mt)
end

-- Lua calls __eq for any two tables, so a Vector3 must not equal a quaternion with the same x, y, z.
function Vector3_mt.__eq(a, b)
	return getmetatable(a) == getmetatable(b) and a.x == b.x and a.y == b.y and a.z == b.z
end

function Vector3_mt.__tostring(v)
	return "Vector3(" .. float_text(v.x) .. ", " .. float_text(v.y) .. ", " .. float_text(v.z) .. ")"
end

function Vector3.x(v)
	return check_vector(v, "Vector3.x", 1).x
end

function Vector3.y(v)
	return check_vector(v, "Vector3.y", 1).y
end

function Vector3.z(v)
	return check_vector(v, "Vector3.z", 1).z
end

function Vector3.set_x(v, x)
	check_vector(v, "Vector3.set_x", 1).x = check_number(x, "Vector3.set_x", 2)
end

function Vector3.set_y(v, y)
	check_vector(v, "Vector3.set_y", 1).y = check_number(y, "Vector3.set_y", 2)
end

function Vector3.set_z(v, z)
	check_vector(v, "Vector3.set_z", 1).z = check_number(z, "Vector3.set_z", 2)
end

function Vector3.element(v, i)
	return check_vector(v, "Vector3.element", 1)[i]
end

function Vector3.set_element(v, i, value)
	check_vector(v, "Vector3.set_element", 1)[i] = check_number(value, "Vector3.set_element", 3)
end

function Vector3.to_elements(v)
	check_vector(v, "Vector3.to_elements", 1)
	return v.x, v.y, v.z
end

function Vector3.from_elements(x, y, z)
	return Vector3(x, y, z)
end

function Vector3.zero()
	return vec(0, 0, 0)
end

function Vector3.up()
	return vec(0, 0, 1)
end

function Vector3.down()
	return vec(0, 0, -1)
end

function Vector3.forward()
	return vec(0, 1, 0)
end

function Vector3.backward()
	return vec(0, -1, 0)
end

function Vector3.right()
	return vec(1, 0, 0)
end

function Vector3.left()
	return vec(-1, 0, 0)
end

function Vector3.dot(a, b)
	check_vector(a, "Vector3.dot", 1)
	check_vector(b, "Vector3.dot", 2)
	return a.x * b.x + a.y * b.y + a.z * b.z
end

function Vector3.cross(a, b)
	check_vector(a, "Vector3.cross", 1)
	check_vector(b, "Vector3.cross", 2)
	return vec(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
end

function Vector3.length_squared(v)
	check_vector(v, "Vector3.length_squared", 1)
	return v.x * v.x + v.y * v.y + v.z * v.z
end

function Vector3.length(v)
	check_vector(v, "Vector3.length", 1)
	return sqrt(v.x * v.x + v.y * v.y + v.z * v.z)
end

function Vector3.distance_squared(a, b)
	check_vector(a, "Vector3.distance_squared", 1)
	check_vector(b, "Vector3.distance_squared", 2)
	local dx, dy, dz = a.x - b.x, a.y - b.y, a.z - b.z
	return dx * dx + dy * dy + dz * dz
end

function Vector3.distance(a, b)
	check_vector(a, "Vector3.distance", 1)
	check_vector(b, "Vector3.distance", 2)
	local dx, dy, dz = a.x - b.x, a.y - b.y, a.z - b.z
	return sqrt(dx * dx + dy * dy + dz * dz)
end

-- A zero vector stays zero, as in the engine.
function Vector3.normalize(v)
	check_vector(v, "Vector3.normalize", 1)
	local len = sqrt(v.x * v.x + v.y * v.y + v.z * v.z)
	if len == 0 then
		return vec(0, 0, 0)
	end
	return vec(v.x / len, v.y / len, v.z / len)
end

local function bound(b, axis)
	if type(b) == "number" then
		return b
	end
	return b[axis]
end

-- Bounds are numbers (the same for every axis) or Vector3s.
function Vector3.clamp(v, lo, hi)
	check_vector(v, "Vector3.clamp", 1)
	local out = {}
	for _, axis in ipairs({ "x", "y", "z" }) do
		local c, l, h = v[axis], bound(lo, axis), bound(hi, axis)
		if c < l then
			c = l
		elseif c > h then
			c = h
		end
		out[axis] = c
	end
	return vec(out.x, out.y, out.z)
end

function Vector3.lerp(a, b, t)
	check_vector(a, "Vector3.lerp", 1)
	check_vector(b, "Vector3.lerp", 2)
	check_number(t, "Vector3.lerp", 3)
	return vec(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t)
end

function Vector3.min(a, b)
	check_vector(a, "Vector3.min", 1)
	check_vector(b, "Vector3.min", 2)
	return vec(math.min(a.x, b.x), math.min(a.y, b.y), math.min(a.z, b.z))
end

function Vector3.max(a, b)
	check_vector(a, "Vector3.max", 1)
	check_vector(b, "Vector3.max", 2)
	return vec(math.max(a.x, b.x), math.max(a.y, b.y), math.max(a.z, b.z))
end

function Vector3.multiply_elements(a, b)
	check_vector(a, "Vector3.multiply_elements", 1)
	check_vector(b, "Vector3.multiply_elements", 2)
	return vec(a.x * b.x, a.y * b.y, a.z * b.z)
end

function Vector3.divide_elements(a, b)
	check_vector(a, "Vector3.divide_elements", 1)
	check_vector(b, "Vector3.divide_elements", 2)
	return vec(a.x / b.x, a.y / b.y, a.z / b.z)
end

function Vector3.equal(a, b)
	check_vector(a, "Vector3.equal", 1)
	check_vector(b, "Vector3.equal", 2)
	return a.x == b.x and a.y == b.y and a.z == b.z
end

function Vector3.is_valid(v)
	check_vector(v, "Vector3.is_valid", 1)
	return v.x == v.x and v.y == v.y and v.z == v.z and abs(v.x) ~= math.huge and abs(v.y) ~= math.huge
		and abs(v.z) ~= math.huge
end

---------------------------------------------------------------------------------------------------
-- Quaternion (Script.type_name calls it "Vector4", as the engine does)
---------------------------------------------------------------------------------------------------
Quaternion = {}
local Quaternion_mt = { __name = "Vector4" }

local function quat(x, y, z, w)
	return setmetatable({ x = x, y = y, z = z, w = w }, Quaternion_mt)
end

local function check_quaternion(q, fname, argn)
	if getmetatable(q) ~= Quaternion_mt then
		error(format("bad argument #%d to '%s' (Quaternion expected, got %s)", argn, fname, type_name(q)), 3)
	end
	return q
end

-- Called by the public functions (never as a tail call, which would drop their stack level), so
-- errors point one level further up.
local function axis_angle(axis, angle, fname)
	check_vector(axis, fname, 1, 4)
	check_number(angle, fname, 2, 4)
	local s = sin(angle / 2)
	return quat(axis.x * s, axis.y * s, axis.z * s, cos(angle / 2))
end

setmetatable(Quaternion, {
	__call = function(_, axis, angle)
		local q = axis_angle(axis, angle, "Quaternion")
		return q
	end,
})

Quaternion_mt.__index = function(q, k)
	local name = COMPONENT[k]
	if name ~= nil then
		return rawget(q, name)
	end
	return Quaternion[k]
end

function Quaternion_mt.__eq(a, b)
	return getmetatable(a) == getmetatable(b) and a.x == b.x and a.y == b.y and a.z == b.z and a.w == b.w
end

function Quaternion_mt.__tostring(q)
	return "Quaternion(" .. float_text(q.x) .. ", " .. float_text(q.y) .. ", " .. float_text(q.z) .. ", "
		.. float_text(q.w) .. ")"
end

function Quaternion.axis_angle(axis, angle)
	local q = axis_angle(axis, angle, "Quaternion.axis_angle")
	return q
end

function Quaternion.identity()
	return quat(0, 0, 0, 1)
end

function Quaternion.from_elements(x, y, z, w)
	return quat(check_number(x, "Quaternion.from_elements", 1), check_number(y, "Quaternion.from_elements", 2),
		check_number(z, "Quaternion.from_elements", 3), check_number(w, "Quaternion.from_elements", 4))
end

function Quaternion.to_elements(q)
	check_quaternion(q, "Quaternion.to_elements", 1)
	return q.x, q.y, q.z, q.w
end

function Quaternion.multiply(a, b)
	check_quaternion(a, "Quaternion.multiply", 1)
	check_quaternion(b, "Quaternion.multiply", 2)
	return quat(
		a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
		a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
		a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
		a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z
	)
end

function Quaternion.conjugate(q)
	check_quaternion(q, "Quaternion.conjugate", 1)
	return quat(-q.x, -q.y, -q.z, q.w)
end

function Quaternion.inverse(q)
	check_quaternion(q, "Quaternion.inverse", 1)
	local n = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w
	return quat(-q.x / n, -q.y / n, -q.z / n, q.w / n)
end

function Quaternion.normalize(q)
	check_quaternion(q, "Quaternion.normalize", 1)
	local n = sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w)
	if n == 0 then
		return quat(0, 0, 0, 1)
	end
	return quat(q.x / n, q.y / n, q.z / n, q.w / n)
end

function Quaternion.dot(a, b)
	check_quaternion(a, "Quaternion.dot", 1)
	check_quaternion(b, "Quaternion.dot", 2)
	return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w
end

local function rotate(q, x, y, z)
	-- v' = v + 2w (u x v) + 2 u x (u x v), with u the vector part of q
	local ux, uy, uz, w = q.x, q.y, q.z, q.w
	local cx, cy, cz = uy * z - uz * y, uz * x - ux * z, ux * y - uy * x
	local ccx, ccy, ccz = uy * cz - uz * cy, uz * cx - ux * cz, ux * cy - uy * cx
	return vec(x + 2 * (w * cx + ccx), y + 2 * (w * cy + ccy), z + 2 * (w * cz + ccz))
end

function Quaternion.rotate(q, v)
	check_quaternion(q, "Quaternion.rotate", 1)
	check_vector(v, "Quaternion.rotate", 2)
	return rotate(q, v.x, v.y, v.z)
end

function Quaternion.forward(q)
	return rotate(check_quaternion(q, "Quaternion.forward", 1), 0, 1, 0)
end

function Quaternion.right(q)
	return rotate(check_quaternion(q, "Quaternion.right", 1), 1, 0, 0)
end

function Quaternion.up(q)
	return rotate(check_quaternion(q, "Quaternion.up", 1), 0, 0, 1)
end

-- Rotation about Z (yaw), then X (pitch), then Y (roll), in radians.
function Quaternion.from_yaw_pitch_roll(yaw, pitch, roll)
	local qz = axis_angle(vec(0, 0, 1), yaw, "Quaternion.from_yaw_pitch_roll")
	local qx = axis_angle(vec(1, 0, 0), pitch, "Quaternion.from_yaw_pitch_roll")
	local qy = axis_angle(vec(0, 1, 0), roll, "Quaternion.from_yaw_pitch_roll")
	return Quaternion.multiply(Quaternion.multiply(qz, qx), qy)
end

function Quaternion.yaw(q)
	local f = Quaternion.forward(check_quaternion(q, "Quaternion.yaw", 1))
	return atan(-f.x, f.y)
end

function Quaternion.pitch(q)
	local f = Quaternion.forward(check_quaternion(q, "Quaternion.pitch", 1))
	return atan(f.z, sqrt(f.x * f.x + f.y * f.y))
end

-- The rotation whose forward axis points along `dir`, keeping `up` (default Z) above it.
function Quaternion.look(dir, up)
	check_vector(dir, "Quaternion.look", 1)
	local yaw = atan(-dir.x, dir.y)
	local pitch = atan(dir.z, sqrt(dir.x * dir.x + dir.y * dir.y))
	return Quaternion.from_yaw_pitch_roll(yaw, pitch, 0)
end

function Quaternion.angle_between(a, b)
	check_quaternion(a, "Quaternion.angle_between", 1)
	check_quaternion(b, "Quaternion.angle_between", 2)
	local d = abs(Quaternion.dot(a, b))
	if d > 1 then
		d = 1
	end
	return 2 * acos(d)
end

---------------------------------------------------------------------------------------------------
-- Boxes: values that outlive a frame
---------------------------------------------------------------------------------------------------
local function check_box(box, mt, fname)
	if getmetatable(box) ~= mt then
		error(format("bad argument #1 to '%s' (%s expected, got %s)", fname, mt.__name, type_name(box)), 3)
	end
	return box
end

Vector3Box = {}
local Vector3Box_mt = { __name = "Vector3Box", __index = Vector3Box }

-- Stores a Vector3 or its components (missing ones are 0); `first` is x's argument number.
local function store3(box, fname, first, x, y, z)
	if getmetatable(x) == Vector3_mt then
		x, y, z = x.x, x.y, x.z
	end
	box[1] = check_number(x or 0, fname, first, 4)
	box[2] = check_number(y or 0, fname, first + 1, 4)
	box[3] = check_number(z or 0, fname, first + 2, 4)
end

setmetatable(Vector3Box, {
	__call = function(_, x, y, z)
		local box = setmetatable({}, Vector3Box_mt)
		store3(box, "Vector3Box", 1, x, y, z)
		return box
	end,
})

function Vector3Box.store(box, x, y, z)
	if getmetatable(box) == Vector3Box_mt and getmetatable(x) == Vector3_mt then
		box[1], box[2], box[3] = x.x, x.y, x.z -- the usual call, a Vector3, checked inline
		return
	end
	store3(check_box(box, Vector3Box_mt, "Vector3Box.store"), "Vector3Box.store", 2, x, y, z)
end

function Vector3Box.unbox(box)
	if getmetatable(box) ~= Vector3Box_mt then check_box(box, Vector3Box_mt, "Vector3Box.unbox") end
	return setmetatable({ x = box[1], y = box[2], z = box[3] }, Vector3_mt)
end

function Vector3Box_mt.__tostring(box)
	return "Vector3Box(" .. float_text(box[1]) .. ", " .. float_text(box[2]) .. ", " .. float_text(box[3]) .. ")"
end

QuaternionBox = {}
local QuaternionBox_mt = { __name = "QuaternionBox", __index = QuaternionBox }

-- Stores a Quaternion or its components (missing ones are those of the identity).
local function store4(box, fname, first, x, y, z, w)
	if getmetatable(x) == Quaternion_mt then
		x, y, z, w = x.x, x.y, x.z, x.w
	end
	box[1] = check_number(x or 0, fname, first, 4)
	box[2] = check_number(y or 0, fname, first + 1, 4)
	box[3] = check_number(z or 0, fname, first + 2, 4)
	box[4] = check_number(w or 1, fname, first + 3, 4)
end

setmetatable(QuaternionBox, {
	__call = function(_, x, y, z, w)
		local box = setmetatable({}, QuaternionBox_mt)
		store4(box, "QuaternionBox", 1, x, y, z, w)
		return box
	end,
})

function QuaternionBox.store(box, x, y, z, w)
	store4(check_box(box, QuaternionBox_mt, "QuaternionBox.store"), "QuaternionBox.store", 2, x, y, z, w)
end

function QuaternionBox.unbox(box)
	check_box(box, QuaternionBox_mt, "QuaternionBox.unbox")
	return quat(box[1], box[2], box[3], box[4])
end

function QuaternionBox_mt.__tostring(box)
	return "QuaternionBox(" .. float_text(box[1]) .. ", " .. float_text(box[2]) .. ", " .. float_text(box[3]) .. ", "
		.. float_text(box[4]) .. ")"
end

---------------------------------------------------------------------------------------------------
-- Script
---------------------------------------------------------------------------------------------------
Script = {}

Script.type_name = type_name
Script.new_array = host.new_array
Script.new_map = host.new_map
Script.new_table = host.new_table

---------------------------------------------------------------------------------------------------
-- type(): the engine's value types were userdata, and game code checks for that (a table.clone
-- that refuses metatables walks past what type() calls "userdata"). These stay tables, since their
-- arithmetic is then as fast as plain Lua (docs/porting.md); type() answers as the engine did.
---------------------------------------------------------------------------------------------------
local userdata_metatables = { [Vector3_mt] = true, [Quaternion_mt] = true, [Vector3Box_mt] = true, [QuaternionBox_mt] = true }

local select = select
_G.type = function(...)
	if select("#", ...) == 0 then
		error("bad argument #1 to 'type' (value expected)", 2)
	end
	local kind = type(...)
	if kind == "table" and userdata_metatables[getmetatable((...))] then
		return "userdata"
	end
	return kind
end

return Vector3_mt, Quaternion_mt
