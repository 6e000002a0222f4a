/**
 * The stingray-net command line as a user meets it: a real process per command.
 */
import test from 'ava';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TcpLink } from '../src/core/platform/platform_link.js';
import { REPO_ROOT, runCli, startCli, tempProject } from './helpers/lua.js';
import { receiveAll, TEST_SECRET } from './helpers/platform.js';

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('--version prints the package version; --help per command lists its options; no command prints the overview', async (t) => {
  const [version, run, analyze, platform, none] = await Promise.all([
    runCli(['--version']),
    runCli(['run', '--help']),
    runCli(['analyze', '-h']),
    runCli(['platform', '--help']),
    runCli([]),
  ]);
  t.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`]);
  t.is(run.code, 0, run.stderr);
  for (const option of ['--frames N', '--root DIR', '--simulate C', '--platform H:P', '-h, --help']) t.true(run.stdout.includes(option), option);
  t.is(analyze.code, 0);
  t.regex(analyze.stdout, /-o, --out FILE/);
  t.is(platform.code, 0);
  t.regex(platform.stdout, /--port N/);
  t.is(none.code, 2);
  t.regex(none.stdout, /stingray-net <command> --help/);
});

test('a mistyped option or command gets a suggestion and exit code 2', async (t) => {
  const dir = tempProject({ 'ok.lua': '' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [frame, port, command, novalue] = await Promise.all([
    runCli(['run', path.join(dir, 'ok.lua'), '--frame', '3']),
    runCli(['platform', '--prot', '0']),
    runCli(['analyse', 'x.log']),
    runCli(['run', path.join(dir, 'ok.lua'), '--frames']),
  ]);
  t.deepEqual([frame.code, frame.stderr], [2, 'stingray-net: run: unknown option --frame (did you mean --frames?); see stingray-net run --help\n']);
  t.deepEqual([port.code, port.stderr], [2, 'stingray-net: platform: unknown option --prot (did you mean --port?); see stingray-net platform --help\n']);
  t.deepEqual([command.code, command.stderr], [2, "stingray-net: unknown command 'analyse' (did you mean analyze?); see stingray-net --help\n"]);
  t.deepEqual([novalue.code, novalue.stderr], [2, 'stingray-net: run: --frames needs a value (--frames N)\n']);
});

test('platform --host serves on another address (here 127.0.0.2, still loopback): a client signs in there; a bad address is refused naming the option', async (t) => {
  const served = startCli(['platform', '--host', '127.0.0.2', '--port', '0']);
  t.teardown(() => served.child.kill('SIGKILL'));
  const [, port] = await served.waitFor(/^platform service listening on 127\.0\.0\.2:(\d+) \(stingray-net run \.\.\. --platform 127\.0\.0\.2:\1\)\n/);
  const link = new TcpLink({ address: '127.0.0.2', port: Number(port) });
  t.teardown(() => link.close());
  link.request({ op: 'hello', platform: 'steam', secret: TEST_SECRET, user: '110000100000021', host: '127.0.0.1', port: 5021, name: 'far' });
  t.like((await receiveAll(link, 1))[0], { ok: true });
  t.is(served.stderr(), '', 'a loopback address gets no warning about serving unencrypted');
  const bad = await runCli(['platform', '--host', 'localhost']);
  t.deepEqual([bad.code, bad.stderr], [2, "stingray-net: platform: --host must be an IPv4 address like 127.0.0.1 or 0.0.0.0, got 'localhost'\n"]);
});

test('analyze refuses a file that is not a network log, saying why', async (t) => {
  const dir = tempProject({ 'boot.lua': 'print("hi")\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runCli(['analyze', path.join(dir, 'boot.lua')]);
  t.is(result.code, 2);
  t.regex(result.stderr, /^stingray-net: analyze: .*boot\.lua:1: the header is not JSON: print\("hi"\)\n$/);
});

test('run takes a resource name as the engine does: scripts/boot is scripts/boot.lua, here or under --root', async (t) => {
  const dir = tempProject({ 'game/scripts/boot.lua': 'print("booted") Application.quit()\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [here, underRoot] = await Promise.all([
    runCli(['run', 'scripts/boot'], { cwd: path.join(dir, 'game') }),
    runCli(['run', 'scripts/boot', '--root', 'game'], { cwd: dir }),
  ]);
  t.deepEqual([here.code, here.stdout], [0, 'booted\n'], here.stderr);
  t.deepEqual([underRoot.code, underRoot.stdout], [0, 'booted\n'], underRoot.stderr);
});

test('a missing .network_config names the folder searched and --root', async (t) => {
  const dir = tempProject({ 'scripts/boot.lua': 'Network.init_lan_client("global")\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runCli(['run', path.join(dir, 'scripts/boot.lua'), '--frames', '1']);
  t.is(result.code, 1);
  t.regex(result.stderr, /network config resource 'global' not found: no file '.*scripts[/\\]global\.network_config' \(resources are looked up under the script's folder; pass --root DIR/);
});
