-- Loaded into every VM (LuaJIT or, after lua54_shims.lua, Lua 5.4) before the game script: output,
-- process control and files through the runner, and the message handler of the runner's calls.
-- `host` holds the runner's functions; it is not a global.
local host = ...

local raw_tostring, raw_format, string_gsub = tostring, string.format, string.gsub
local select, type = select, type

---------------------------------------------------------------------------------------------------
-- Output
---------------------------------------------------------------------------------------------------
local write_stdout = host.write_stdout

-- Like 5.1, print converts through the global tostring, looked up on each call.
function print(...)
	local n = select("#", ...)
	local to_s = _G.tostring
	local parts = {}
	for i = 1, n do
		parts[i] = to_s((select(i, ...)))
	end
	write_stdout(table.concat(parts, "\t") .. "\n")
end

function printf(fmt, ...)
	print(string.format(fmt, ...))
end

---------------------------------------------------------------------------------------------------
-- Process control and files go through the runner, not the in-memory file system of the VM
---------------------------------------------------------------------------------------------------
os.exit = host.exit

local read_resource = host.read_resource

local function load_resource(path, chunk_kind)
	local source, chunk_name, err = read_resource(path, chunk_kind)
	if source == nil then
		return nil, err
	end
	return load(source, chunk_name, "t")
end

function loadfile(path, mode, env)
	local f, err = load_resource(path, "file")
	if f and env ~= nil then
		setfenv(f, env)
	end
	return f, err
end

function dofile(path)
	local f, err = load_resource(path, "file")
	if f == nil then
		error(err, 2)
	end
	return f()
end

-- LuaJIT's require (5.1) calls package.loaders and, unlike 5.4's, puts no "\n\t" before their messages.
local lua51_loaders = package.searchers == nil

-- `require "scripts/foo"` resolves to <root>/scripts/foo.lua, as the engine resolved resources.
local function resource_searcher(name)
	local source, chunk_name, err = read_resource(name, "module")
	if source == nil then
		return lua51_loaders and "\n\t" .. err or err
	end
	local f, compile_error = load(source, chunk_name, "t")
	if f == nil then
		error(compile_error, 3)
	end
	return f, chunk_name:sub(2)
end

if lua51_loaders then
	package.loaders = { package.loaders[1], resource_searcher }
else
	package.searchers = { package.searchers[1], resource_searcher }
end
package.path = ""
package.cpath = ""

---------------------------------------------------------------------------------------------------
-- The message handler of every call the runner makes into the script
---------------------------------------------------------------------------------------------------
local debug_traceback, debug_getinfo, raw_next, table_sort = debug.traceback, debug.getinfo, next, table.sort

-- lua_vm.ts names the chunks of lua/ with this marker; tracebacks leave their frames out, as the
-- engine's own frames never showed in its tracebacks.
local RUNNER_FRAME = "\n\t%[stingray%-network%][^\n]*"

-- "file:line" of the innermost script frame below the handler, for errors that carry no position.
local function script_position()
	for level = 4, 64 do -- above: this function, error_message, host.traceback
		local info = debug_getinfo(level, "Sl")
		if info == nil then
			return "?"
		end
		if info.currentline > 0 and not info.short_src:find("^%[stingray%-network%]") then
			return info.short_src .. ":" .. info.currentline
		end
	end
	return "?"
end

-- A readable, bounded rendering of an error value: up to 16 fields a table, 2 tables deep.
local MAX_FIELDS, MAX_DEPTH = 16, 2
local function describe(value, depth)
	local kind = type(value)
	if kind == "string" then
		return raw_format("%q", value)
	elseif kind ~= "table" then
		return tostring(value)
	elseif depth > MAX_DEPTH then
		return "{...}"
	end
	local keys = {}
	for k in raw_next, value do
		keys[#keys + 1] = k
	end
	table_sort(keys, function(a, b)
		local ta, tb = type(a), type(b)
		if ta ~= tb then
			return ta < tb
		end
		if ta == "number" or ta == "string" then
			return a < b
		end
		return raw_tostring(a) < raw_tostring(b)
	end)
	local parts = {}
	for i = 1, math.min(#keys, MAX_FIELDS) do
		local k = keys[i]
		local key = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. describe(k, MAX_DEPTH + 1) .. "]"
		parts[i] = key .. " = " .. describe(rawget(value, k), depth + 1)
	end
	if #keys > MAX_FIELDS then
		parts[#parts + 1] = "... (" .. #keys .. " fields)"
	end
	return "{" .. table.concat(parts, ", ") .. "}"
end

-- The text an error value shows: strings as they are; any other value (error({ code = 7 })) with
-- the position it was raised at and its contents. nil for os.exit's marker (a light userdata).
local function error_message(err)
	if type(err) == "string" then
		return err
	end
	local mt = getmetatable(err)
	if mt and mt.__tostring then
		return raw_tostring(err)
	end
	if type(err) == "userdata" then
		return nil
	end
	return script_position() .. ": error object is a " .. type(err) .. " value: " .. describe(err, 1)
end

function host.traceback(err)
	local message = error_message(err)
	if message == nil then
		return err
	end
	return (string_gsub(debug_traceback(message, 2), RUNNER_FRAME, ""))
end
