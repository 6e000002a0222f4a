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

test('setfenv/getfenv by stack level, as Lua 5.1 module files used them', async (t) => {
  const out = await luaOutput(`
    local chunk = loadstring([[
      local M = { print = print, getfenv = getfenv, rawget = rawget }
      setfenv(1, M)
      answer = 42
      function get() return answer end
      print(getfenv(1) == M, getfenv() == M, rawget(M, "answer"))
      return M
    ]])
    local M = chunk()
    print(M.get(), answer, getfenv(0) == _G)
    local function inner() setfenv(2, { marker = "the caller's" }) end
    local function outer() inner() return marker end
    print(outer(), pcall(setfenv, 1, "not a table"))
  `);
  t.is(out, "true\ttrue\t42\n42\tnil\ttrue\nthe caller's\tfalse\tbad argument #2 to 'setfenv' (table expected, got string)\n");
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
    print(bit.band("12", 10), pcall(bit.bor, 1, "x"))
  `);
  t.is(
    out,
    "true\t-2147483648\tffffffff\t00ff\t00FF\n15\t7\t6\t-1\n15\t-16\t3\t-2147483648\ntrue\t-1\t5\n8\tfalse\tbad argument #2 to 'bit.bor' (number expected, got string)\n",
  );
});

test('bit operations agree with 32-bit two\'s complement arithmetic (property)', async (t) => {
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  const bswap = (a: number) => ((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
  fc.assert(
    fc.property(int32, int32, fc.integer({ min: 0, max: 31 }), (a, b, n) => {
      const out = vm.run(
        `print(bit.band(${a}, ${b}), bit.bor(${a}, ${b}), bit.bxor(${a}, ${b}), bit.bnot(${a}), bit.lshift(${a}, ${n}), bit.rshift(${a}, ${n}), ` +
          `bit.arshift(${a}, ${n}), bit.rol(${a}, ${n}), bit.ror(${a}, ${n}), bit.bswap(${a}), bit.tohex(${a}))`,
      );
      const expected = [a & b, a | b, a ^ b, ~a, a << n, (a >>> n) | 0, a >> n, (a << n) | (a >>> (32 - n)), (a >>> n) | (a << (32 - n)), bswap(a)];
      return out === [...expected, (a >>> 0).toString(16).padStart(8, '0')].join('\t') + '\n';
    }),
    { numRuns: 200 },
  );
  t.pass(); // fc.assert throws the shrunk counterexample on a mismatch
});

// LuaJIT converts a number to 32 bits by rounding half to even, then wrapping modulo 2^32.
function luaJitToBit(x: number): number {
  let r = Math.floor(x);
  const fraction = x - r;
  if (fraction > 0.5 || (fraction === 0.5 && r % 2 !== 0)) r += 1;
  return Number(BigInt.asIntN(32, BigInt(r)));
}

test('bit.tobit rounds and wraps floats as LuaJIT does (property)', async (t) => {
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  const big = 2 ** 52;
  const float = fc.oneof(fc.double({ min: -big, max: big, noNaN: true }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((i) => i / 2));
  fc.assert(
    fc.property(float, (x) => {
      // `+ 0.0` keeps whole values floats, so the float path is what runs.
      return vm.run(`print(bit.tobit(${x} + 0.0), bit.band(${x} + 0.0, -1))`) === `${luaJitToBit(x)}\t${luaJitToBit(x)}\n`;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('numbers print as LuaJIT prints them; only .. on whole floats differs (documented)', async (t) => {
  const out = await luaOutput(`
    print(10 / 2, tostring(10 / 2), 3.5, 2^53, -0.0, 1/0, 0/0 ~= 0/0)
    print(string.format("%s %d %d %d %5.1f", 5.0, 3.0, 3.5, -3.5, 2))
    print(("%d|%s|%x|%c"):format(3.0, 2.0, 255.0, 72.0), string.format("%s %s", 0.1, 1 / 3))
    printf("%s|%d", 1e15, 7.0)
    print("x" .. 3, "x" .. 10 / 2)
  `);
  t.is(out, '5\t5\t3.5\t9.007199254741e+15\t-0\tinf\ttrue\n5 3 3 -3   2.0\n3|2|ff|H\t0.1 0.33333333333333\n1e+15|7\nx3\tx5.0\n');
});
