import { LUA_NUMBER_TYPE } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createTestVm, tempProject } from './helpers/lua.js';

const SETTINGS = `
build_identifier = "vt2-1.4.2"
network = { port = 47300 lan = true rate = 0.5 }
levels = [ "docks" "keep" ]
`;

testOnEachVm('Application.settings reads settings.ini under the root; build_identifier comes from it; guid is a new GUID each call', async (t, vmUnderTest) => {
  const dir = tempProject({ 'settings.ini': SETTINGS });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const vm = await createTestVm({ root: dir, luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`${LUA_NUMBER_TYPE}
    local s = Application.settings()
    print(s.network.port, number_type(s.network.port), s.network.lan, s.network.rate, s.levels[2], #s.levels)
    print(Application.build_identifier())
    local a, b = Application.guid(), Application.guid()
    print(a:match("^%x+%-%x+%-%x+%-%x+%-%x+$") ~= nil, a ~= b)`);
  t.deepEqual(out.trim().split('\n'), ['47300\tinteger\ttrue\t0.5\tkeep\t2', 'vt2-1.4.2', 'true\ttrue']);
  const empty = tempProject({});
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const bare = await createTestVm({ root: empty, luaApi: vmUnderTest.luaApi });
  t.teardown(() => bare.vm.close());
  t.is(bare.run('print(next(Application.settings()), Application.build_identifier())').trim(), 'nil\theadless', 'no settings.ini: an empty table');
});

testOnEachVm('user settings: nested keys read, set and removed; save_user_settings writes them, and the next run reads them; bad arguments name the function', async (t, vmUnderTest) => {
  const dir = tempProject({});
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = await createTestVm({ root: dir, luaApi: vmUnderTest.luaApi });
  t.teardown(() => first.vm.close());
  const out = first.run(`
    print(Application.user_setting("audio", "volume"))
    Application.set_user_setting("audio", "volume", 0.8)
    Application.set_user_setting("name", "Kruber")
    Application.set_user_setting("temp", true)
    Application.set_user_setting("temp", nil)
    print(Application.user_setting("audio", "volume"), Application.user_setting("name"), Application.user_setting("temp"))
    print(pcall(Application.set_user_setting, "name", "first", 1))
    print(pcall(Application.set_user_setting, "audio", {}))
    print(pcall(Application.user_setting))
    Application.save_user_settings()`);
  t.deepEqual(out.trim().split('\n'), [
    'nil',
    '0.8\tKruber\tnil',
    "false\tApplication.set_user_setting: 'name' holds a value, not a table of settings",
    "false\tbad argument #2 to 'Application.set_user_setting' (a string, number, boolean or nil value expected, got table)",
    "false\tbad argument #1 to 'Application.user_setting' (a setting name expected, got no value)",
  ]);
  t.deepEqual(JSON.parse(readFileSync(path.join(dir, 'user_settings.config'), 'utf8')), { audio: { volume: 0.8 }, name: 'Kruber' });
  const second = await createTestVm({ root: dir, luaApi: vmUnderTest.luaApi });
  t.teardown(() => second.vm.close());
  t.is(second.run('print(Application.user_setting("audio", "volume"), Application.user_setting("name"))').trim(), '0.8\tKruber');
});
