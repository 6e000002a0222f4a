/**
 * Issue 10, items 1 and 5a: the game-object field calls from Lua, per call, against a pure-Lua table
 * read and the same work through wasmoon's high-level API; event dispatch per event; and how many
 * frames an RPC takes from one peer's script to another's handler.
 */
import path from 'node:path';
import { LuaFactory } from 'wasmoon';
import { isolatedNetworkOptions } from '../src/bindings/network/network_binding.js';
import { createStingrayVm } from '../src/bindings/stingray_vm.js';
import { ManualClock } from '../src/core/base/clock.js';
import { loadNetworkConfig } from '../src/core/config/network_config.js';
import { NetworkSimulator } from '../src/core/transport/network_simulator.js';
import { Random } from '../src/core/base/random.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { ScriptPeer } from '../src/runner/script_peer.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { formatNs, formatRatio, median, nsPerOpInTurns, printTable, ratio } from './measure.js';

const CALLS = 300_000;
const HIGH_LEVEL_CALLS = 30_000;
const EXAMPLES = path.resolve('docs/examples');

async function fieldCalls(): Promise<void> {
  const vm = await createStingrayVm({
    root: EXAMPLES,
    network: isolatedNetworkOptions(EXAMPLES),
    writeStdout: () => undefined,
    application: { argv: [], timeSinceLaunch: () => 0, quit: () => undefined },
  });
  const { lua } = vm;
  lua.runString(
    `Network.init_lan_client("global")
     session = Network.create_game_session()
     GameSession.make_game_session_host(session)
     id = GameSession.create_game_object(session, "player", { go_type = 1, owner = Network.peer_id(),
       position = Vector3(1, 2, 3), rotation = Quaternion.identity(), health = 100 })
     plain = { health = 100 }
     function bench_pure(n) local t, s = plain, 0 for i = 1, n do s = s + t.health end return s end
     function bench_read(n) local f, s, o, sum = GameSession.game_object_field, session, id, 0
       for i = 1, n do sum = sum + f(s, o, "health") end return sum end
     function bench_write(n) local f, s, o = GameSession.set_game_object_field, session, id
       for i = 1, n do f(s, o, "health", 100) end end
     function bench_read_vector(n) local f, s, o = GameSession.game_object_field, session, id
       for i = 1, n do local p = f(s, o, "position") end end
     counted = 0
     events = { game_object_created = function(self, id, owner) counted = counted + 1 end }
     function bench_dispatch(n) Network.update_receive(0, events) end`,
    '=bench',
  );
  const session = vm.network.session!;
  const object = [...session.objects.values()][0]!;
  const health = object.type.fieldIndex.get('health')!;

  // The same read and write through wasmoon's high-level API, against the same session.
  const engine = await new LuaFactory().createEngine();
  engine.global.set('field', (_id: number, name: string) => object.values[object.type.fieldIndex.get(name)!]);
  engine.global.set('set_field', (_id: number, name: string, value: number) => session.setField(object, object.type.fieldIndex.get(name)!, object.type.fields[health]!.type.quantize(value)));
  engine.doStringSync(
    `function bench_read(n) local s = 0 for i = 1, n do s = s + field(1, "health") end return s end
     function bench_write(n) for i = 1, n do set_field(1, "health", 100) end end`,
  );
  const highRead = engine.global.get('bench_read') as (n: number) => number;
  const highWrite = engine.global.get('bench_write') as (n: number) => void;

  const run = (name: string) => (n: number) => lua.runString(`${name}(${n})`, '=bench');
  const pure = { run: run('bench_pure'), n: CALLS };
  const read = { run: run('bench_read'), n: CALLS };
  const write = { run: run('bench_write'), n: CALLS };
  const readVector = { run: run('bench_read_vector'), n: CALLS / 3 };
  const dispatch = {
    run: (n: number) => {
      for (let i = 0; i < n; i++) vm.network.events.push({ name: 'game_object_created', id: i & 0xffff, owner: 'a1b2c3d4e5f60718' });
      lua.runString('bench_dispatch()', '=bench');
    },
    n: 50_000,
  };
  const t = nsPerOpInTurns({ pure, read, write, readVector, dispatch });
  // In turns of their own: the high-level API's garbage would otherwise be collected during the Lua runs.
  const h = nsPerOpInTurns({
    read,
    highLevelRead: { run: (n: number) => highRead(n), n: HIGH_LEVEL_CALLS },
    write,
    highLevelWrite: { run: (n: number) => highWrite(n), n: HIGH_LEVEL_CALLS },
  });
  const ns = (samples: number[]): string => formatNs(median(samples));
  const readRatio = ratio(t.read, t.pure);
  const writeRatio = ratio(t.write, t.pure);

  printTable('Game object fields from Lua (per call, median of rounds; lower is better)', ['call', 'time', 'vs pure-Lua read', 'high-level API (a JS closure per call)', 'Lua mirror (no bridge crossing) ÷ high-level API'], [
    ['pure-Lua table read t.health', ns(t.pure), '1×', '—', '—'],
    ['GameSession.game_object_field (number)', ns(t.read), formatRatio(readRatio), ns(h.highLevelRead), formatRatio(ratio(h.highLevelRead, h.read), 1)],
    ['GameSession.set_game_object_field (unchanged)', ns(t.write), formatRatio(writeRatio), ns(h.highLevelWrite), formatRatio(ratio(h.highLevelWrite, h.write), 1)],
    ['GameSession.game_object_field (Vector3)', ns(t.readVector), formatRatio(ratio(t.readVector, t.pure)), '—', '—'],
    ['event dispatch, per game_object_created', ns(t.dispatch), '—', '—', '—'],
  ]);
  console.log(
    `field read ${readRatio.median.toFixed(2)}× and write ${writeRatio.median.toFixed(2)}× a pure-Lua read (target ≤ 6×); ${ratio(h.highLevelRead, h.read).median.toFixed(1)}× / ${ratio(h.highLevelWrite, h.write).median.toFixed(1)}× faster than the high-level API (target ≥ 20×; reads and unchanged writes answer from the Lua mirror, without crossing the bridge)`,
  );
  vm.close();
  engine.global.close();
}

/** One-way latency the simulator gives every packet in the RPC latency run. */
const RPC_LINK_LATENCY = 0.05;

/**
 * Frames (and their milliseconds) from RPC.x in one peer's update to the handler in the other's,
 * with update_receive / update_transmit split, through a simulated link of RPC_LINK_LATENCY one way.
 * The target: the first frame after the link delivers, so the latency plus at most one frame.
 */
async function rpcFrames(): Promise<void> {
  const script = path.resolve('bench/rpc_latency.lua');
  let stdout = '';
  const options = parseRunOptions([script, '--peers', '2', '--root', EXAMPLES, '--simulate', `latency=${RPC_LINK_LATENCY * 1000}ms`, '--seed', '1', '--frames', '600']);
  await runScripts(options, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stdout += s),
  });
  const frames = [...stdout.matchAll(/latency (\d+)/g)].map((m) => Number(m[1]));
  const target = Math.ceil(RPC_LINK_LATENCY / options.dt) + 1;
  const worst = Math.max(...frames);
  const range = (scale: number, digits: number): string => `${(Math.min(...frames) * scale).toFixed(digits)}–${(worst * scale).toFixed(digits)}`;
  printTable(`RPC latency between two peers of one process, ${RPC_LINK_LATENCY * 1000} ms one-way simulated latency, ${(options.dt * 1000).toFixed(1)} ms frames (update_receive at the frame start, update_transmit at its end)`, ['what', 'figure'], [
    [
      'frames from RPC.rpc_hello to the handler, over 50 RPCs (ms: frames × frame time)',
      frames.length ? `${range(1, 0)} frames, ${range(options.dt * 1000, 0)} ms (target ≤ ${target} frames: the latency plus one frame; ${worst <= target ? 'met' : 'NOT met'})` : `none measured: ${stdout}`,
    ],
  ]);
}

/** 64 peers in one process on the simulator: every peer sees every object; the host's frame cost. */
async function scale(peers: number): Promise<void> {
  // The runner's own peers, driven here so the host's update can be timed on its own.
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, 1);
  let stdout = '';
  const all: ScriptPeer[] = [];
  for (let index = 0; index < peers; index++) {
    all.push(
      await ScriptPeer.create({
        script: path.resolve('bench/scale.lua'),
        index,
        root: EXAMPLES,
        argv: ['--peers', String(peers), '--peer-index', String(index)],
        clock,
        network: { environment: { network, clock, random: new Random(index + 1) }, loadConfig: (name) => loadNetworkConfig(EXAMPLES, name) },
        writeStdout: (s) => (stdout += s),
      }),
    );
  }
  for (const peer of all) peer.start();
  const hostTimes: number[] = [];
  let frame = 0;
  for (; frame < 3000 && all[0]!.state === 'running'; frame++) {
    clock.advance(1 / 30);
    all.forEach((peer, i) => {
      const start = performance.now();
      peer.update(1 / 30);
      if (i === 0) hostTimes.push(performance.now() - start);
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const peer of all) peer.shutdown();
  const line = /converged at frame (\d+)/.exec(stdout);
  const steady = hostTimes.slice(-60).sort((a, b) => a - b);
  printTable(`Scale: ${peers} peers in one session, one process, simulator`, ['what', 'figure'], [
    ['all objects converged', line ? `yes, at frame ${line[1]}` : `no: ${stdout.slice(-300)}`],
    ["host's whole update() per frame once all are in (median of 60), one object moving per peer", `${steady[30]!.toFixed(2)} ms`],
  ]);
}

export async function benchGameSessionLua(): Promise<void> {
  await fieldCalls();
  await rpcFrames();
  await scale(64);
}
