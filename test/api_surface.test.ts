import test from 'ava';
import { allApi, apiTable, readmeTable, WITH_SUBSYSTEM } from '../scripts/api_table.js';
import { XBOX_ROOT } from './helpers/consoles.js';
import { UNSUPPORTED } from '../src/bindings/application/unsupported_binding.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestVm, tempProject } from './helpers/lua.js';

test('every function and constant of the official reference and of shipped games exists, each unsupported one says so when called, and only the ones listed as not provided yet are nil', async (t) => {
  const vm = await createTestVm({ root: XBOX_ROOT });
  t.teardown(() => vm.vm.close());
  const problems: string[] = [];
  const started = new Set<string>();
  for (const [namespace, names] of Object.entries(allApi())) {
    const start = WITH_SUBSYSTEM[namespace];
    if (start && !started.has(start)) {
      for (const [other, call] of Object.entries(WITH_SUBSYSTEM)) {
        if (call === start && vm.run(`print(rawget(_G, "${other}"))`).trim() !== 'nil') problems.push(`${other} exists before ${start}`);
      }
      vm.run(`${start}("global")`);
      started.add(start);
    }
    for (const name of names) {
      const why = UNSUPPORTED[namespace]?.[name];
      const out = vm.run(`
        local value = stingray.${namespace} and stingray.${namespace}.${name}
        if type(value) == "function" then
          local ok, err = pcall(value)
          print("function", ok, err)
        else
          print(type(value), value)
        end`);
      const [kind, rest] = [out.split('\t')[0], out.slice(out.indexOf('\t') + 1).trim()];
      if (kind === 'nil') problems.push(`${namespace}.${name} is missing`);
      else if (why !== undefined && !rest.includes(`${namespace}.${name} is unsupported: ${why}`)) problems.push(`${namespace}.${name} should say it is unsupported, got ${rest}`);
      else if (why === undefined && rest.includes('is unsupported')) problems.push(`${namespace}.${name} says unsupported but is not listed`);
      else if (kind === 'string' && name !== name.toUpperCase()) problems.push(`${namespace}.${name} is a string, not a function`);
      else if (kind === 'string' && rest !== rest.toLowerCase()) problems.push(`${namespace}.${name} = ${rest} is not a lowercase string`);
    }
  }
  t.deepEqual(problems, []);
});

test('the README\'s implemented table is the one the spec and the code give', (t) => {
  t.is(readmeTable(), apiTable(), 'run: node --import=tsx scripts/api_table.ts --write');
});

test('Network.log levels, ignore_rpc_log, set_config_value, default_network_address', async (t) => {
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    print(Network.SILENT, Network.WARNINGS, Network.MESSAGES, Network.SPEW)
    Network.log(Network.SPEW)
    Network.write_dump_tag("round 1")
    Network.log("info")
    Network.write_dump_tag("not shown at messages")
    Network.write_debug_output_to_log()
    print(pcall(Network.log, "loud"))
    Network.set_config_value("resend_time", 0.5)
    print(pcall(Network.set_config_value, "colour", 1))
    print(Network.default_network_address():match("^%d+%.%d+%.%d+%.%d+$") ~= nil)
    Network.log(Network.SILENT)
    Network.write_debug_output_to_log()
  `);
  t.is(
    out,
    [
      'silent\twarnings\tmessages\tspew',
      '[network] dump tag: round 1',
      '[network] no network client is running',
      "false\tbad argument #1 to 'Network.log' (one of silent, warnings, messages, spew or info expected, got 'loud')",
      "false\tNetwork.set_config_value: unknown key 'colour' (known: max_transmit_rate, keep_alive_time, keep_alive_time_connecting, max_receiver_lost_time, resend_time, mtu)",
      'true',
      '',
    ].join('\n'),
  );
});

test('Network.open_network_log writes this peer\'s log with its dump tags; close_network_log ends it', async (t) => {
  const dir = tempProject({});
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  const file = path.join(dir, 'peer.log');
  const out = vm.run(`
    Network.open_network_log(${JSON.stringify(file)})
    print(pcall(Network.open_network_log, ${JSON.stringify(file)}))
    Network.write_dump_tag("round 1")
    Network.close_network_log()
    Network.write_dump_tag("not logged")
    print(pcall(Network.open_network_log, "/no/such/folder/x.log"))
  `);
  t.deepEqual(out.trim().split('\n'), [
    'false\tNetwork.open_network_log: a network log is already being written; close it first',
    'false\tNetwork.open_network_log: cannot write /no/such/folder/x.log: ENOENT',
  ]);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(lines[0], { log: 'stingray-network' });
  t.deepEqual(lines.slice(1).map((l) => l.tag), ['round 1']);
});
