import test from 'ava';
import fc from 'fast-check';
import { createTestVm, luaOutput } from './helpers/lua.js';

test('Lua 5.1 globals: unpack, loadstring, table.getn/maxn/foreach/foreachi', async (t) => {
  const out = await luaOutput(`
    print(unpack({ 1, 2, 3 }))
    print(loadstring("return 6 * 7")())
    print(table.getn({ 1, 2, 3, nil }), table.maxn({ [1] = 1, [7] = 1, x = 1 }), table.maxn({}))
    local seen = {}
    table.foreachi({ "a", "b" }, function(i, v) seen[#seen + 1] = i .. v end)
    print(table.concat(seen, " "))
    print(table.foreach({ x = 1 }, function(k, v) return k .. "=" .. v end))
  `);
  t.is(out, '1\t2\t3\n42\n3\t7\t0\n1a 2b\nx=1\n');
});

test('math shims return what LuaJIT returns', async (t) => {
  const out = await luaOutput(`
    print(math.pow(2, 10), math.mod(7, 3), math.mod(-7, 3), math.log10(1000))
    print(math.atan2(1, 1) == math.pi / 4, math.ldexp(0.75, 4))
    print(math.frexp(48))
    print(math.frexp(0))
    print(math.frexp(-3))
  `);
  t.is(out, '1024\t1\t-1\t3\ntrue\t12\n0.75\t6\n0\t0\n-0.75\t2\n');
});

test('string.gfind, gcinfo and newproxy exist as in LuaJIT', async (t) => {
  const out = await luaOutput(`
    local words = {}
    for w in string.gfind("one two three", "%a+") do words[#words + 1] = w end
    print(table.concat(words, ","), type(gcinfo()), type(newproxy(true)), getmetatable(newproxy(true)) ~= nil)
  `);
  t.is(out, 'one,two,three\tnumber\tuserdata\ttrue\n');
});

test('setfenv/getfenv on loadstring chunks and on functions', async (t) => {
  const out = await luaOutput(`
    local chunk = loadstring("return greeting")
    setfenv(chunk, { greeting = "hi" })
    print(chunk(), getfenv(chunk).greeting)
    local function f() return value end
    value = "global"
    print(f(), getfenv(f) == _G)
    setfenv(f, { value = "own" })
    print(f(), value)
  `);
  t.is(out, 'hi\thi\nglobal\ttrue\nown\tglobal\n');
});

test('module and package.seeall build module tables as Lua 5.1 did', async (t) => {
  const out = await luaOutput(`
    local chunk = loadstring([[
      module("game.util", package.seeall)
      function twice(x) return 2 * x end
      print(_NAME, type(print))
    ]])
    chunk()
    print(game.util.twice(4), package.loaded["game.util"] == game.util)
  `);
  t.is(out, 'game.util\tfunction\n8\ttrue\n');
});

test('the bit library has LuaJIT\'s signed 32-bit results', async (t) => {
  const out = await luaOutput(`
    local bit2 = require "bit"
    print(bit == bit2, bit.lshift(1, 31), bit.tohex(-1), bit.tohex(255, 4), bit.tohex(255, -4))
    print(bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0))
    print(bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x80000001, 1), bit.ror(1, 1))
    print(bit.bswap(0x12345678) == 0x78563412, bit.tobit(0xffffffff), bit.tobit(2^32 + 5))
  `);
  t.is(out, 'true\t-2147483648\tffffffff\t00ff\t00FF\n15\t7\t6\t-1\n15\t-16\t3\t-2147483648\ntrue\t-1\t5\n');
});

test('bit operations agree with 32-bit two\'s complement arithmetic (property)', async (t) => {
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  fc.assert(
    fc.property(int32, int32, fc.integer({ min: 0, max: 31 }), (a, b, n) => {
      const out = vm.run(`print(bit.band(${a}, ${b}), bit.bor(${a}, ${b}), bit.bxor(${a}, ${b}), bit.lshift(${a}, ${n}), bit.rshift(${a}, ${n}), bit.arshift(${a}, ${n}))`);
      return out === [a & b, a | b, a ^ b, a << n, (a >>> n) | 0, a >> n].join('\t') + '\n';
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('numbers print as LuaJIT prints them; only .. on whole floats differs (documented)', async (t) => {
  const out = await luaOutput(`
    print(10 / 2, tostring(10 / 2), 3.5, 2^53, -0.0, 1/0, 0/0 ~= 0/0)
    print(string.format("%s %d %d %5.1f", 5.0, 3.0, 3.7, 2))
    printf("%s|%d", 1e15, 7.0)
    print("x" .. 3, "x" .. 10 / 2)
  `);
  t.is(out, '5\t5\t3.5\t9.007199254741e+15\t-0\tinf\ttrue\n5 3 3   2.0\n1e+15|7\nx3\tx5.0\n');
});
