/**
 * The bad-argument sweep: Lua that calls every function of some namespaces with garbage and checks
 * each error names the function and is not a JavaScript failure.
 */

export interface SweepOptions {
  namespaces: string[];
  /** Lua expressions passed as the first argument (globals of the VM may be named). */
  garbage: string[];
  /** Lua expressions passed as the second and third arguments. */
  rest: string[];
  /** "Namespace.function" names not to call. */
  skip?: string[];
  /** A Lua expression of `ns` and `name`: which functions of a namespace to call (default all). */
  include?: string;
}

/**
 * Lua calling every function `f` of `namespaces` as f(garbage, rest, rest) and, where the global
 * table `live` has an object for the namespace, as f(live, garbage, rest). Prints `calls N`, then
 * `PROBLEM ...` for each error that does not name the function or is a JavaScript failure.
 */
export function luaSweep(options: SweepOptions): string {
  const list = (items: string[]) => items.map((item) => JSON.stringify(item)).join(', ');
  return `
local garbage = { ${list(options.garbage)} }
local rest = { ${list(options.rest)} }
local namespaces = { ${list(options.namespaces)} }
local skip = {}
for _, name in ipairs({ ${list(options.skip ?? [])} }) do skip[name] = true end
local live = live or {}
local problems, calls = {}, 0
local function check(full, name, label, ok, err)
  calls = calls + 1
  if ok then return end
  err = tostring(err)
  if err:find("internal error") or err:find("\\n%s+at ") then
    problems[#problems + 1] = full .. "(" .. label .. "): " .. err
  elseif not err:find(full, 1, true) and not err:find("'" .. name .. "'", 1, true) then
    problems[#problems + 1] = full .. "(" .. label .. ") does not name the function: " .. err
  end
end
for _, ns in ipairs(namespaces) do
  local names = {}
  for name, value in pairs(_G[ns]) do
    if type(value) == "function" and (${options.include ?? 'true'}) then names[#names + 1] = name end
  end
  table.sort(names)
  for _, name in ipairs(names) do
    local full = ns .. "." .. name
    if not skip[full] then
      for _, a in ipairs(garbage) do
        for _, b in ipairs(rest) do
          local call = load("local f = ...; return f(" .. a .. ", " .. b .. ", " .. b .. ")", "=" .. full)
          check(full, name, a .. ", " .. b, pcall(call, _G[ns][name]))
          if live[ns] then
            call = load("local f, object = ...; return f(object, " .. a .. ", " .. b .. ")", "=" .. full)
            check(full, name, ns .. ", " .. a .. ", " .. b, pcall(call, _G[ns][name], live[ns]))
          end
        end
      end
    end
  end
end
print("calls", calls)
for _, p in ipairs(problems) do print("PROBLEM " .. p) end
`;
}

/** The number of calls a sweep made and the problems it printed. */
export function sweepResult(output: string): { calls: number; problems: string[] } {
  return {
    calls: Number(/^calls\t(\d+)$/m.exec(output)?.[1] ?? 0),
    problems: output.split('\n').filter((line) => line.startsWith('PROBLEM ')),
  };
}
