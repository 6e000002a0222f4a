-- Why the value types are tables (docs/porting.md): a + b * s, 10^6 times, on Debian's luajit as
-- tables with a metatable (today's Vector3), as userdata made in Lua (newproxy, components in weak
-- tables) and as ffi structs. Run: luajit bench/userdata_vectors.lua
local N = 1000000
local clock = os.clock
-- a table with a metatable, as lua/value_types.lua makes a Vector3
local mt = {}
mt.__index = mt
local function V(x, y, z) return setmetatable({x = x, y = y, z = z}, mt) end
mt.__add = function(a, b) return V(a.x + b.x, a.y + b.y, a.z + b.z) end
mt.__mul = function(a, s) return V(a.x * s, a.y * s, a.z * s) end
local a, b = V(1, 2, 3), V(4, 5, 6)
local t0 = clock()
local r
for i = 1, N do r = a + b * 0.5 end
local t_table = clock() - t0
-- userdata without native help: newproxy + weak side tables
local proto = newproxy(true)
local um = getmetatable(proto)
local X, Y, Z = setmetatable({}, {__mode = "k"}), setmetatable({}, {__mode = "k"}), setmetatable({}, {__mode = "k"})
local function U(x, y, z) local u = newproxy(proto) X[u], Y[u], Z[u] = x, y, z return u end
um.__add = function(p, q) return U(X[p] + X[q], Y[p] + Y[q], Z[p] + Z[q]) end
um.__mul = function(p, s) return U(X[p] * s, Y[p] * s, Z[p] * s) end
local ua, ub = U(1, 2, 3), U(4, 5, 6)
t0 = clock()
for i = 1, N do r = ua + ub * 0.5 end
local t_proxy = clock() - t0
-- ffi cdata (type() is "cdata")
local ffi = require "ffi"
ffi.cdef "typedef struct { double x, y, z; } vec3;"
local C
C = ffi.metatype("vec3", { __add = function(p, q) return C(p.x + q.x, p.y + q.y, p.z + q.z) end, __mul = function(p, s) return C(p.x * s, p.y * s, p.z * s) end })
local ca, cb = C(1, 2, 3), C(4, 5, 6)
t0 = clock()
for i = 1, N do r = ca + cb * 0.5 end
local t_ffi = clock() - t0
print(string.format("a + b * s, per operation: table with a metatable %.1f ns, newproxy userdata %.1f ns, ffi struct %.1f ns", t_table * 1e3, t_proxy * 1e3, t_ffi * 1e3))
