import test from 'ava';
import { createTestVm, luaOutput } from './helpers/lua.js';
import { testOnEachVm } from './helpers/vms.js';

test('Vector3: construction, components, arithmetic and comparison', async (t) => {
  const out = await luaOutput(`
    local v = Vector3(1, 2, 3)
    print(v.x, v.y, v.z, v[1], v[3], Vector3.x(v), Vector3.z(v), tostring(v))
    print(tostring(v + Vector3(1, 1, 1)), tostring(v - v), tostring(-v), tostring(v * 2), tostring(2 * v), tostring(v / 2))
    print(v == Vector3(1, 2, 3), v == Vector3(1, 2, 4), Vector3(0, 0, 0) == Quaternion.identity(), Script.type_name(v), tostring(Vector3()))
    local w = Vector3(1, 2, 3)
    w.x = 5
    w[2] = 6
    Vector3.set_z(w, 7)
    print(tostring(w), tostring(v), v:length() == Vector3.length(v))
    print(select(2, pcall(function() return v + 1 end)))
    print(select(2, pcall(function() w.w = 1 end)))
  `);
  t.is(
    out,
    [
      '1\t2\t3\t1\t3\t1\t3\tVector3(1, 2, 3)',
      'Vector3(2, 3, 4)\tVector3(0, 0, 0)\tVector3(-1, -2, -3)\tVector3(2, 4, 6)\tVector3(2, 4, 6)\tVector3(0.5, 1, 1.5)',
      'true\tfalse\tfalse\tVector3\tVector3(0, 0, 0)',
      'Vector3(5, 6, 7)\tVector3(1, 2, 3)\ttrue',
      "test.lua:11: bad argument #2 to 'Vector3.__add' (Vector3 expected, got number)",
      "test.lua:12: cannot set field 'w' of a Vector3",
      '',
    ].join('\n'),
  );
});

test('Vector3: length, normalize, dot, cross, clamp, zero', async (t) => {
  const out = await luaOutput(`
    local v = Vector3(3, 4, 0)
    print(Vector3.length(v), tostring(Vector3.normalize(v)), Vector3.dot(v, Vector3(1, 1, 1)))
    print(tostring(Vector3.cross(Vector3(1, 0, 0), Vector3(0, 1, 0))), tostring(Vector3.zero()), tostring(Vector3.normalize(Vector3.zero())))
    print(tostring(Vector3.clamp(Vector3(-5, 5, 0.5), -1, 1)), tostring(Vector3.clamp(Vector3(-5, 5, 0.5), Vector3(0, 0, 0), Vector3(2, 2, 0.25))))
  `);
  t.is(out, '5\tVector3(0.6, 0.8, 0)\t7\nVector3(0, 0, 1)\tVector3(0, 0, 0)\tVector3(0, 0, 0)\nVector3(-1, 1, 0.5)\tVector3(0, 2, 0.25)\n');
});

test('Quaternion: axis-angle constructor, identity, multiply, forward, components', async (t) => {
  const out = await luaOutput(`
    local q = Quaternion(Vector3(0, 0, 1), math.pi / 2)
    local f = Quaternion.forward(q)
    print(string.format("%.3f %.3f %.3f", f.x, f.y, f.z), Script.type_name(q))
    local i = Quaternion.identity()
    print(i.x, i.y, i.z, i.w, i[4], tostring(Quaternion.forward(i)))
    local half = Quaternion(Vector3(0, 0, 1), math.pi / 4)
    local m = Quaternion.multiply(half, half)
    print(string.format("%.4f %.4f", m.z, q.z), math.abs(m.w - q.w) < 1e-9)
  `);
  t.is(out, '-1.000 0.000 0.000\tVector4\n0\t0\t0\t1\t1\tVector3(0, 1, 0)\n0.7071 0.7071\ttrue\n');
});

test('wrong arguments to value types name the function and point at the calling line', async (t) => {
  const out = await luaOutput(`
    local function try(f) print(select(2, pcall(f))) end
    try(function() local _ = Vector3("1", 2, 3) end)
    try(function() local _ = Vector3.dot(Vector3(), 1) end)
    try(function() local _ = Quaternion(1, 2) end)
    try(function() local _ = Quaternion.axis_angle(Vector3(0, 0, 1)) end)
    try(function() local _ = Quaternion.from_yaw_pitch_roll(0, "up", 0) end)
    try(function() local _ = Quaternion.yaw(Vector3()) end)
    try(function() local _ = Vector3Box(Quaternion.identity()) end)
    try(function() local _ = Vector3Box.unbox(Vector3()) end)
    try(function() QuaternionBox():store(1, 2, 3, "w") end)
  `);
  t.is(
    out,
    [
      "test.lua:3: bad argument #1 to 'Vector3' (number expected, got string)",
      "test.lua:4: bad argument #2 to 'Vector3.dot' (Vector3 expected, got number)",
      "test.lua:5: bad argument #1 to 'Quaternion' (Vector3 expected, got number)",
      "test.lua:6: bad argument #2 to 'Quaternion.axis_angle' (number expected, got nil)",
      "test.lua:7: bad argument #2 to 'Quaternion.from_yaw_pitch_roll' (number expected, got string)",
      "test.lua:8: bad argument #1 to 'Quaternion.yaw' (Quaternion expected, got Vector3)",
      "test.lua:9: bad argument #1 to 'Vector3Box' (number expected, got Vector4)",
      "test.lua:10: bad argument #1 to 'Vector3Box.unbox' (Vector3Box expected, got Vector3)",
      "test.lua:11: bad argument #5 to 'QuaternionBox.store' (number expected, got string)",
      '',
    ].join('\n'),
  );
});

test('Vector3Box and QuaternionBox store and unbox values', async (t) => {
  const out = await luaOutput(`
    local box = Vector3Box(Vector3(1, 2, 3))
    local copy = box:unbox()
    copy.x = 10
    print(tostring(box:unbox()), tostring(copy))
    box:store(Vector3(4, 5, 6))
    Vector3Box.store(box, 7, 8, 9)
    print(tostring(Vector3Box.unbox(box)), Script.type_name(box))
    local qbox = QuaternionBox(Quaternion.identity())
    print(qbox:unbox().w, Script.type_name(qbox))
  `);
  t.is(out, 'Vector3(1, 2, 3)\tVector3(10, 2, 3)\nVector3(7, 8, 9)\tVector3Box\n1\tQuaternionBox\n');
});

test('Script.new_array, new_map and type_name', async (t) => {
  const out = await luaOutput(`
    local a, m = Script.new_array(10), Script.new_map(10)
    print(type(a), #a, type(m), next(m))
    print(Script.type_name(1), Script.type_name("s"), Script.type_name({}), Script.type_name(nil), Script.type_name(print))
  `);
  t.is(out, 'table\t0\ttable\tnil\nnumber\tstring\ttable\tnil\tfunction\n');
});

testOnEachVm('type() calls the value types "userdata", as the engine did: a game\'s table.clone that refuses metatables copies a table holding vectors and boxes', async (t, vmUnderTest) => {
  const vm = await createTestVm({ luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    print(type(Vector3(1, 2, 3)), type(Quaternion.identity()), type(Vector3Box(Vector3(1, 2, 3))), type(QuaternionBox(Quaternion.identity())))
    print(type({}), type(setmetatable({}, { __index = {} })), type(setmetatable({}, { __metatable = "locked" })), type(nil), type(1), type(print))
    print(select(2, pcall(type)))
    -- As Vermintide's table.clone: nested tables are copied, and a table with a metatable is refused.
    local function clone(t)
      local copy = {}
      for k, v in pairs(t) do
        if type(v) == "table" then
          assert(getmetatable(v) == nil, "Metatables will be sliced off")
          copy[k] = clone(v)
        else
          copy[k] = v
        end
      end
      return copy
    end
    local saved = clone({ at = Vector3Box(Vector3(1, 2, 3)), facing = QuaternionBox(Quaternion.identity()), waypoints = { Vector3(4, 5, 6) } })
    print(saved.at:unbox(), saved.facing:unbox().w, saved.waypoints[1], Script.type_name(saved.at))
  `);
  t.is(out, [
    'userdata\tuserdata\tuserdata\tuserdata',
    'table\ttable\ttable\tnil\tnumber\tfunction',
    "bad argument #1 to 'type' (value expected)",
    'Vector3(1, 2, 3)\t1\tVector3(4, 5, 6)\tVector3Box',
    '',
  ].join('\n'));
});
