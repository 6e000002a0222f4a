import { freeUdpPort } from './helpers/ports.js';
import test from 'ava';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './helpers/lua.js';
import { SERVER_SCRIPT as SCRIPT, startPeer, until } from './helpers/server_process.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';

test.serial('SIGTERM stops a realtime host gracefully: shutdown() runs, exit code 0, the player sees the disconnect at once', async (t) => {
  const port = await freeUdpPort();
  const host = startPeer('host', port);
  const player = startPeer('player', port);
  t.teardown(() => {
    for (const peer of [host, player]) if (peer.child.exitCode === null) peer.child.kill('SIGKILL');
  });
  t.true(await until(() => host.out.includes('member ') && player.out.includes('connected\n'), 30), `the player joined: ${host.out}${host.err} / ${player.out}${player.err}`);

  const hostExit = once(host.child, 'exit');
  const signalled = performance.now();
  host.child.kill('SIGTERM');
  const [code, signal] = (await hostExit) as [number | null, NodeJS.Signals | null];
  t.is(signal, null, 'the host was not killed by the signal');
  t.is(code, 0, host.err);
  t.regex(host.out, /\nshutdown\n/, 'the script\'s shutdown() ran');
  t.regex(host.err, /SIGTERM: stopping after this frame/);

  // The player waits 60 s before timing the host out; a disconnect seen sooner was the host's goodbye.
  t.true(await until(() => player.out.includes('disconnected '), 10), `the player saw the disconnect: ${player.out}${player.err}`);
  const seen = [...player.lineTimes].find(([line]) => line.startsWith('disconnected '))![1];
  t.log(`player saw the disconnect ${Math.round(seen - signalled)} ms after the SIGTERM`);
  t.true(seen - signalled < 1000, `the disconnect reached the player within a second, not at a timeout (${Math.round(seen - signalled)} ms)`);
  t.true(await until(() => player.child.exitCode !== null, 10), 'the player quit');
  t.is(player.child.exitCode, 0);
});

/** The lan_lobby example on two simulated peers with `flags`, through the real runner in this process. */
async function runLanLobby(flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const options = parseRunOptions([path.join(REPO_ROOT, 'lua/examples/lan_lobby.lua'), '--peers', '2', '--simulate', 'perfect', '--seed', '1', ...flags]);
  const code = await runScripts(options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

test('--log-format json writes one object per line: time, peer, level, source, message; --status-interval adds status lines', async (t) => {
  const { code, stdout, stderr } = await runLanLobby(['--log-format', 'json', '--status-interval', '0.000001']);
  t.is(code, 0, stderr);
  const records = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const record of records) {
    t.deepEqual(Object.keys(record), ['time', 'peer', 'level', 'source', 'message']);
    t.false(Number.isNaN(Date.parse(record['time'] as string)));
  }
  t.true(records.some((r) => r['peer'] === '0:lan_lobby' && r['source'] === 'script' && String(r['message']).startsWith('host: lobby ')), stdout);
  t.true(records.some((r) => r['peer'] === '1:lan_lobby' && r['source'] === 'script' && String(r['message']).startsWith('client: found lobby ')), stdout);
  const statuses = records.filter((r) => r['source'] === 'runner' && String(r['message']).startsWith('status: '));
  t.true(statuses.some((r) => /, 2 peers connected, in [\d.]+ kbit\/s \([1-9]\d* packets\)/.test(String(r['message']))), JSON.stringify(statuses.slice(0, 3)));
});

test('--log-format text starts each line with the time, level and peer; --log-level warn keeps only warnings and errors', async (t) => {
  const text = await runLanLobby(['--log-format', 'text']);
  t.is(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  t.true(lines.length > 3);
  for (const line of lines) t.regex(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  \[[01]:lan_lobby\] /);

  const quiet = await runLanLobby(['--log-format', 'text', '--log-level', 'warn', '--status-interval', '0.000001']);
  t.is(quiet.code, 0, quiet.stderr);
  t.is(quiet.stdout, '');
});

test('bad server options are refused naming the option', (t) => {
  const script = path.join(REPO_ROOT, 'lua/examples/lan_lobby.lua');
  t.throws(() => parseRunOptions([script, '--log-format', 'xml']), { message: "--log-format must be one of plain, text, json, got 'xml'" });
  t.throws(() => parseRunOptions([script, '--log-level', 'loud']), { message: "--log-level must be one of error, warn, info, debug, got 'loud'" });
  t.throws(() => parseRunOptions([script, '--status-interval', '0']), { message: "--status-interval must be a positive number of seconds, got '0'" });
  t.throws(() => parseRunOptions([script, '--metrics', '70000']), { message: "--metrics must be a TCP port 0..65535, optionally after an IPv4 address (127.0.0.1:9100), got '70000'" });
});

/** The value of the sample `name{labels}` in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test.serial('--metrics serves Prometheus text whose values move during a session, and /healthz', async (t) => {
  const port = await freeUdpPort();
  const host = startPeer('host', port, ['--metrics', '127.0.0.1:0']);
  const player = startPeer('player', port);
  t.teardown(() => {
    for (const peer of [host, player]) if (peer.child.exitCode === null) peer.child.kill('SIGKILL');
  });
  t.true(await until(() => /metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/.test(host.err), 30), host.err);
  const base = `http://127.0.0.1:${/127\.0\.0\.1:(\d+)\/metrics/.exec(host.err)![1]}`;
  t.true(await until(() => player.out.includes('connected\n'), 30), `${player.out}${player.err}`);

  const scrape = async (): Promise<string> => {
    const response = await fetch(`${base}/metrics`);
    t.is(response.status, 200);
    t.regex(response.headers.get('content-type') ?? '', /^text\/plain/);
    return response.text();
  };
  const first = await scrape();
  const rpcs = 'stingray_rpcs_total{direction="received",message="ping_server"}';
  // The player sends an RPC every frame: wait (bounded) for later frames to be counted.
  let second = first;
  for (let i = 0; i < 100 && (sample(second, rpcs) ?? 0) <= (sample(first, rpcs) ?? 0); i++) {
    await sleep(50);
    second = await scrape();
  }
  t.is(sample(second, 'stingray_peers'), 1, second);
  t.true(sample(second, rpcs)! > (sample(first, rpcs) ?? 0), `${rpcs} moves`);
  t.true(sample(second, 'stingray_bytes_received_total')! > sample(first, 'stingray_bytes_received_total')!, 'bytes received move');
  t.true(sample(second, 'stingray_packets_sent_total')! > sample(first, 'stingray_packets_sent_total')!, 'packets sent move');
  t.true(sample(second, 'stingray_frame_seconds_count')! > sample(first, 'stingray_frame_seconds_count')!, 'frames are timed');
  t.regex(second, /\nstingray_connection_rtt_seconds\{script="0:lobby_server",remote="[0-9a-f]+"\} [\d.e-]+\n/);
  t.is(sample(second, 'stingray_lua_errors_total'), 0);
  t.not(sample(second, 'stingray_reliable_resends_total'), undefined, 'resends are counted (they move under loss: the next test)');

  const health = await fetch(`${base}/healthz`);
  t.is(health.status, 200);
  t.is(await health.text(), 'ok\n');

  host.child.kill('SIGTERM');
  await once(host.child, 'exit');
  t.is(host.child.exitCode, 0, host.err);
});

test('--metrics counts reliable resends, which move under simulated loss', async (t) => {
  let stderr = '';
  let reportPort: (port: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (reportPort = resolve));
  const options = parseRunOptions([SCRIPT, '--peers', '2', '--simulate', 'loss=0.3', '--seed', '7', '--metrics', '127.0.0.1:0', '--', '--role', 'auto']);
  const stop = new AbortController();
  const run = runScripts(options, {
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
      const port = /127\.0\.0\.1:(\d+)\/metrics/.exec(stderr)?.[1];
      if (port !== undefined) reportPort(port);
    },
  }, stop.signal);
  const base = `http://127.0.0.1:${await listening}`;
  const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();
  const resends = 'stingray_reliable_resends_total';
  const perConnection = /\nstingray_connection_reliable_resends\{script="0:lobby_server",remote="[0-9a-f]+"\} (\d+)\n/;
  // The player sends the host a reliable RPC every frame; 30 % of packets are lost, so some must be resent.
  let first = await scrape();
  for (let i = 0; i < 200 && !((sample(first, resends) ?? 0) > 0 && perConnection.test(first)); i++) first = await scrape();
  t.true(sample(first, resends)! > 0, first);
  t.true(Number(perConnection.exec(first)?.[1]) > 0, 'the host\'s connection to the player counts its own resends');
  let second = first;
  for (let i = 0; i < 200 && sample(second, resends)! <= sample(first, resends)!; i++) second = await scrape();
  t.true(sample(second, resends)! > sample(first, resends)!, `${resends} moves`);
  t.true(sample(second, 'stingray_packets_lost_total')! > 0);
  stop.abort();
  t.is(await run, 0, stderr);
});
