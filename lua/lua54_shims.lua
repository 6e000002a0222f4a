-- The LuaJIT 2 (Lua 5.1 dialect) functions and behaviours that Lua 5.4 lacks, for scripts written for
-- Stingray. Loaded before prelude.lua into Lua 5.4 VMs only (--vm wasmoon); LuaJIT has all of this itself.
-- `host` holds the runner's functions; it is not a global.
local host = ...

local math_type, math_floor, math_tointeger = math.type, math.floor, math.tointeger
local raw_tostring, raw_format = tostring, string.format
local select, type, error, setmetatable = select, type, error, setmetatable

---------------------------------------------------------------------------------------------------
-- Lua 5.1 functions that 5.2-5.4 removed or moved
---------------------------------------------------------------------------------------------------
unpack = table.unpack

-- LuaJIT skips a UTF-8 byte-order mark and then a `#` first line in every chunk it compiles (the
-- line's newline stays, so line numbers hold). The main script file gets the same in file_chunk.ts.
local raw_load, string_byte, string_gsub = load, string.byte, string.gsub
function load(chunk, ...)
	if type(chunk) == "string" then
		local first = string_byte(chunk, 1)
		if first == 0xEF or first == 35 then
			chunk = string_gsub(chunk, "^\239\187\191", "", 1)
			chunk = string_gsub(chunk, "^#[^\n]*", "", 1)
		end
	end
	return raw_load(chunk, ...)
end
loadstring = load

function table.getn(t)
	return #t
end

function table.maxn(t)
	local n = 0
	for k in pairs(t) do
		if type(k) == "number" and k > n then
			n = k
		end
	end
	return n
end

function table.foreach(t, f)
	for k, v in pairs(t) do
		local r = f(k, v)
		if r ~= nil then
			return r
		end
	end
end

function table.foreachi(t, f)
	for i = 1, #t do
		local r = f(i, t[i])
		if r ~= nil then
			return r
		end
	end
end

function math.pow(x, y)
	return x ^ y
end

math.mod = math.fmod

function math.log10(x)
	return math.log(x, 10)
end

math.atan2 = math.atan -- 5.4's math.atan(y, x) is 5.1's math.atan2(y, x)

function math.ldexp(m, e)
	return m * 2.0 ^ e
end

function math.frexp(x)
	if x == 0 or x ~= x or x == math.huge or x == -math.huge then
		return x, 0
	end
	local e = math_floor(math.log(math.abs(x), 2)) + 1
	local m = x / 2.0 ^ e
	-- log2 can be off by one at exact powers of two; normalise |m| into [0.5, 1)
	if math.abs(m) >= 1 then
		m, e = m / 2, e + 1
	elseif math.abs(m) < 0.5 then
		m, e = m * 2, e - 1
	end
	return m, e
end

string.gfind = string.gmatch

function gcinfo()
	return math_floor(collectgarbage("count"))
end

newproxy = host.newproxy

---------------------------------------------------------------------------------------------------
-- Function environments (setfenv/getfenv) through the _ENV upvalue
---------------------------------------------------------------------------------------------------
local function env_upvalue(f)
	local i = 1
	while true do
		local name = debug.getupvalue(f, i)
		if name == nil then
			return nil
		elseif name == "_ENV" then
			return i
		end
		i = i + 1
	end
end

-- Level n in 5.1 terms is level n + 1 from inside these helpers.
local function function_at(f, fname)
	if type(f) == "number" then
		if f < 0 then
			error("bad argument #1 to '" .. fname .. "' (level must be non-negative)", 3)
		end
		local info = debug.getinfo(f + 2, "f")
		if info == nil then
			error("bad argument #1 to '" .. fname .. "' (invalid level)", 3)
		end
		return info.func
	elseif type(f) ~= "function" then
		error("bad argument #1 to '" .. fname .. "' (number expected, got " .. type(f) .. ")", 3)
	end
	return f
end

function getfenv(f)
	if f == 0 then
		return _G
	end
	f = function_at(f or 1, "getfenv")
	local i = env_upvalue(f)
	if i == nil then
		return _G
	end
	local _, env = debug.getupvalue(f, i)
	return env
end

function setfenv(f, env)
	if type(env) ~= "table" then
		error("bad argument #2 to 'setfenv' (table expected, got " .. type(env) .. ")", 2)
	end
	f = function_at(f, "setfenv")
	local i = env_upvalue(f)
	if i ~= nil then
		-- Give f a private _ENV upvalue so other closures of the same chunk keep theirs.
		debug.upvaluejoin(f, i, function()
			return env
		end, 1)
	end
	return f
end

---------------------------------------------------------------------------------------------------
-- module() and package.seeall
---------------------------------------------------------------------------------------------------
function package.seeall(m)
	local mt = getmetatable(m) or {}
	mt.__index = _G
	setmetatable(m, mt)
end

function module(name, ...)
	if type(name) ~= "string" then
		error("bad argument #1 to 'module' (string expected, got " .. type(name) .. ")", 2)
	end
	local m = package.loaded[name]
	if type(m) ~= "table" then
		m = _G
		for part in name:gmatch("[^%.]+") do
			local t = rawget(m, part)
			if t == nil then
				t = {}
				rawset(m, part, t)
			elseif type(t) ~= "table" then
				error("name conflict for module '" .. name .. "'", 2)
			end
			m = t
		end
		package.loaded[name] = m
	end
	if m._NAME == nil then
		m._M = m
		m._NAME = name
		m._PACKAGE = name:match("^(.*%.)[^%.]*$") or ""
	end
	local caller = debug.getinfo(2, "f").func
	local i = env_upvalue(caller)
	if i ~= nil then
		debug.upvaluejoin(caller, i, function()
			return m
		end, 1)
	end
	for k = 1, select("#", ...) do
		select(k, ...)(m)
	end
end

---------------------------------------------------------------------------------------------------
-- LuaJIT's BitOp library: 32-bit operations with signed results
---------------------------------------------------------------------------------------------------
local function toint(x, fname, argn)
	if math_type(x) == "integer" then
		return x
	end
	if type(x) ~= "number" then
		local n = tonumber(x)
		if n == nil then
			error("bad argument #" .. argn .. " to 'bit." .. fname .. "' (number expected, got " .. type(x) .. ")", 3)
		end
		x = n
		if math_type(x) == "integer" then
			return x
		end
	end
	if x ~= x or x == math.huge or x == -math.huge then
		return 0
	end
	x = x % 4294967296.0
	-- round half to even, as LuaJIT's 2^52+2^51 conversion does
	local r = math_floor(x)
	local d = x - r
	if d > 0.5 or (d == 0.5 and r % 2 == 1) then
		r = r + 1
	end
	return math_tointeger(r)
end

local function signed32(i)
	return ((i & 0xFFFFFFFF) ~ 0x80000000) - 0x80000000
end

local bit = {}

function bit.tobit(x)
	return signed32(toint(x, "tobit", 1))
end

function bit.bnot(x)
	return signed32(~toint(x, "bnot", 1))
end

function bit.band(x, ...)
	local r = toint(x, "band", 1)
	for i = 1, select("#", ...) do
		r = r & toint((select(i, ...)), "band", i + 1)
	end
	return signed32(r)
end

function bit.bor(x, ...)
	local r = toint(x, "bor", 1)
	for i = 1, select("#", ...) do
		r = r | toint((select(i, ...)), "bor", i + 1)
	end
	return signed32(r)
end

function bit.bxor(x, ...)
	local r = toint(x, "bxor", 1)
	for i = 1, select("#", ...) do
		r = r ~ toint((select(i, ...)), "bxor", i + 1)
	end
	return signed32(r)
end

function bit.lshift(x, n)
	return signed32((toint(x, "lshift", 1) & 0xFFFFFFFF) << (toint(n, "lshift", 2) & 31))
end

function bit.rshift(x, n)
	return signed32((toint(x, "rshift", 1) & 0xFFFFFFFF) >> (toint(n, "rshift", 2) & 31))
end

-- A negative signed32 has its upper 32 bits set, so the logical 64-bit shift brings in ones.
function bit.arshift(x, n)
	return signed32(signed32(toint(x, "arshift", 1)) >> (toint(n, "arshift", 2) & 31))
end

function bit.rol(x, n)
	local v, s = toint(x, "rol", 1) & 0xFFFFFFFF, toint(n, "rol", 2) & 31
	return signed32((v << s) | (v >> (32 - s)))
end

function bit.ror(x, n)
	local v, s = toint(x, "ror", 1) & 0xFFFFFFFF, toint(n, "ror", 2) & 31
	return signed32((v >> s) | (v << (32 - s)))
end

function bit.bswap(x)
	local v = toint(x, "bswap", 1) & 0xFFFFFFFF
	return signed32(((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24))
end

function bit.tohex(x, n)
	n = n == nil and 8 or toint(n, "tohex", 2)
	local digits, upper = n, false
	if n < 0 then
		digits, upper = -n, true
	end
	if digits > 8 then
		digits = 8
	end
	local v = toint(x, "tohex", 1) & 0xFFFFFFFF
	local s = raw_format(upper and "%08X" or "%08x", v)
	return s:sub(9 - digits)
end

_G.bit = bit
package.loaded.bit = bit

---------------------------------------------------------------------------------------------------
-- LuaJIT number text: whole floats print as `3`, not `3.0`
---------------------------------------------------------------------------------------------------
local function number_text(v)
	if math_type(v) == "float" then
		return raw_format("%.14g", v)
	end
	return raw_tostring(v)
end

tostring = number_text

local INTEGER_CONVERSIONS = { d = true, i = true, c = true, o = true, u = true, x = true, X = true }

-- Per format string, the conversion letter of each argument it consumes (a bounded cache).
local conversions_cache = {}
local conversions_count = 0

local function conversions_of(fmt)
	local list = conversions_cache[fmt]
	if list then
		return list
	end
	list = {}
	for conv in fmt:gmatch("%%[-+ #0]*%d*%.?%d*(.)") do
		if conv ~= "%" then
			list[#list + 1] = conv
		end
	end
	if conversions_count > 4096 then
		conversions_cache = {}
		conversions_count = 0
	end
	conversions_cache[fmt] = list
	conversions_count = conversions_count + 1
	return list
end

function string.format(fmt, ...)
	local n = select("#", ...)
	local has_float = false
	for i = 1, n do
		if math_type((select(i, ...))) == "float" then
			has_float = true
			break
		end
	end
	if not has_float or type(fmt) ~= "string" then
		return raw_format(fmt, ...)
	end
	local args = { ... }
	local conversions = conversions_of(fmt)
	for i = 1, n do
		local v = args[i]
		if math_type(v) == "float" then
			local conv = conversions[i]
			if INTEGER_CONVERSIONS[conv] then
				-- LuaJIT truncates toward zero where 5.4 refuses a fractional value
				if v == v and v ~= math.huge and v ~= -math.huge then
					args[i] = math_tointeger(v >= 0 and math_floor(v) or -math_floor(-v)) or v
				end
			elseif conv == "s" then
				args[i] = number_text(v)
			end
		end
	end
	return raw_format(fmt, table.unpack(args, 1, n))
end

