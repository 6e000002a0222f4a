import { freeUdpPort } from './helpers/ports.js';
import test, { type ExecutionContext } from 'ava';
import { EventEmitter, once } from 'node:events';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestVm, REPO_ROOT, tempProject } from './helpers/lua.js';
import { SERVER_SCRIPT, startPeer, until } from './helpers/server_process.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';

// The SDK package's own generated service descriptors and messages: the stand-in speaks its protocol.
const require = createRequire(import.meta.url);
const sdkServices = require('@google-cloud/agones-sdk/lib/sdk_grpc_pb.js') as Record<string, grpc.ServiceDefinition>;
const alphaServices = require('@google-cloud/agones-sdk/lib/alpha/alpha_grpc_pb.js') as Record<string, grpc.ServiceDefinition>;
const { Empty } = require('@google-cloud/agones-sdk/lib/sdk_pb.js') as { Empty: new () => object };
const { Bool } = require('@google-cloud/agones-sdk/lib/alpha/alpha_pb.js') as { Bool: new () => { setBool(value: boolean): void } };

interface Call {
  name: string;
  args: string[];
}

/** A stand-in Agones SDK sidecar on loopback: answers every call the runner makes and records it. */
class StandInSidecar {
  readonly calls: Call[] = [];
  private readonly recorded = new EventEmitter();

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
  ) {}

  /** `failing`: answer Ready with an error and offer no alpha (player tracking) service, like a sidecar without the PlayerTracking feature gate. */
  static async start(failing = false): Promise<StandInSidecar> {
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    const sidecar = new StandInSidecar(server, port);
    type Unary = grpc.ServerUnaryCall<{ getKey?(): string; getValue?(): string; getPlayerid?(): string }, object>;
    const answer = (name: string, args: (request: Unary['request']) => string[], response: () => object) => (call: Unary, callback: grpc.sendUnaryData<object>) => {
      sidecar.record(name, args(call.request));
      if (failing && name === 'Ready') callback({ code: grpc.status.INTERNAL, details: 'stand-in refuses Ready' });
      else callback(null, response());
    };
    const empty = (): object => new Empty();
    const yes = (): object => {
      const bool = new Bool();
      bool.setBool(true);
      return bool;
    };
    server.addService(sdkServices['agones.dev.sdk.SDK']!, {
      ready: answer('Ready', () => [], empty),
      shutdown: answer('Shutdown', () => [], empty),
      setLabel: answer('SetLabel', (r) => [r.getKey!(), r.getValue!()], empty),
      health: (call: grpc.ServerReadableStream<object, object>, callback: grpc.sendUnaryData<object>) => {
        call.on('data', () => sidecar.record('Health', []));
        call.on('end', () => callback(null, new Empty()));
        call.on('error', () => undefined);
      },
    });
    if (!failing) server.addService(alphaServices['agones.dev.sdk.alpha.SDK']!, {
      playerConnect: answer('PlayerConnect', (r) => [r.getPlayerid!()], yes),
      playerDisconnect: answer('PlayerDisconnect', (r) => [r.getPlayerid!()], yes),
    });
    return sidecar;
  }

  private record(name: string, args: string[]): void {
    this.calls.push({ name, args });
    this.recorded.emit('call');
  }

  /** The index of the first call from `from` on that `matches`, once it has been made (bounded wait). */
  async next(matches: (call: Call) => boolean, from = 0, seconds = 30): Promise<number> {
    const find = (): number => this.calls.findIndex((call, i) => i >= from && matches(call));
    const deadline = AbortSignal.timeout(seconds * 1000);
    while (find() < 0) {
      await once(this.recorded, 'call', { signal: deadline }).catch(() => {
        throw new Error(`no matching call within ${seconds} s; calls: ${JSON.stringify(this.calls.filter((c) => c.name !== 'Health'))}`);
      });
    }
    return find();
  }

  close(): void {
    this.server.forceShutdown();
  }
}

const named = (name: string) => (call: Call) => call.name === name;

test.serial('--agones: Ready when the host first hosts, Health while frames run, a joining and leaving player, labels, Shutdown when the host stops', async (t) => {
  const sidecar = await StandInSidecar.start();
  const port = await freeUdpPort();
  const env = { AGONES_SDK_GRPC_PORT: String(sidecar.port) };
  const host = startPeer('host', port, ['--agones', '--agones-label', 'game-mode=game_mode'], ['--map', 'harbour'], env);
  let player: ReturnType<typeof startPeer> | undefined;
  t.teardown(() => {
    for (const peer of [host, player]) if (peer && peer.child.exitCode === null) peer.child.kill('SIGKILL');
    sidecar.close();
  });

  const ready = await sidecar.next(named('Ready'));
  const health = await sidecar.next(named('Health'), ready + 1);
  player = startPeer('player', port);
  const connect = await sidecar.next(named('PlayerConnect'), health + 1);
  t.true(await until(() => /\nmember [0-9a-f]+\n/.test(host.out), 10), host.out);
  const member = /\nmember ([0-9a-f]+)\n/.exec(host.out)![1]!;
  t.deepEqual(sidecar.calls[connect]!.args, [member], 'the player is reported by its peer id');

  // The player leaves the lobby in its shutdown().
  player.child.kill('SIGTERM');
  const disconnect = await sidecar.next(named('PlayerDisconnect'), connect + 1);
  t.deepEqual(sidecar.calls[disconnect]!.args, [member]);
  t.is((await once(player.child, 'exit'))[0], 0, player.err);

  const healthAfterLeave = await sidecar.next(named('Health'), disconnect + 1);
  const hostExit = once(host.child, 'exit');
  host.child.kill('SIGTERM');
  t.is((await hostExit)[0], 0, host.err);
  t.regex(host.out, /\nshutdown\n/);
  // The host has exited: Shutdown must already be recorded, and last.
  t.is(await sidecar.next(named('Shutdown'), healthAfterLeave + 1, 0), sidecar.calls.length - 1, 'Shutdown is the last call');

  // Health pings were awaited between the steps; everything else came once, in this order.
  t.deepEqual(sidecar.calls.map((c) => c.name).filter((name) => name !== 'Health' && name !== 'SetLabel'), ['Ready', 'PlayerConnect', 'PlayerDisconnect', 'Shutdown']);
  const labels = sidecar.calls.filter(named('SetLabel')).map((c) => c.args);
  t.deepEqual(labels.sort(), [['game-mode', 'deathmatch'], ['map', 'harbour']], 'the mirrored lobby data and the script\'s own label');
  t.log(`calls: ${sidecar.calls.map((c) => c.name).join(' ').replace(/(Health ?)+/g, 'Health… ')}`);
});

/** Run a script that hosts a LAN lobby for 20 frames (`onFrame10`: Lua run at frame 10) with `flags`, in this process, against `sidecar`. */
async function runHostingScript(t: ExecutionContext, sidecar: StandInSidecar, flags: string[], onFrame10 = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempProject({
    'global.network_config': 'reliable_send_buffer_size = 4096\nreliable_receive_buffer_size = 4096\n',
    'server.lua': `
      local frames = 0
      function init() client = Network.init_lan_client("global"); lobby = Network.create_lan_lobby(4) end
      function update(dt)
        Network.update(dt, {})
        frames = frames + 1
        if frames == 10 then ${onFrame10} end
        if frames == 20 then Application.quit() end
      end
      function shutdown() Network.shutdown_lan_client(client) end
    `,
  });
  const previous = process.env['AGONES_SDK_GRPC_PORT'];
  process.env['AGONES_SDK_GRPC_PORT'] = String(sidecar.port);
  t.teardown(() => {
    if (previous === undefined) delete process.env['AGONES_SDK_GRPC_PORT'];
    else process.env['AGONES_SDK_GRPC_PORT'] = previous;
  });
  let stdout = '';
  let stderr = '';
  const options = parseRunOptions([`${dir}/server.lua`, '--agones', '--broadcast', '127.255.255.255', ...flags]);
  const code = await runScripts(options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

test.serial('--agones-ready manual: Ready only when the script calls Application.agones_ready()', async (t) => {
  const sidecar = await StandInSidecar.start();
  t.teardown(() => sidecar.close());
  const { code, stdout, stderr } = await runHostingScript(t, sidecar, ['--agones-ready', 'manual'], `
    print(select(2, pcall(Application.agones_set_label, "map", "harbour docks")))
    print("ready now")
    Application.agones_ready()`);
  t.is(code, 0, stderr);
  t.is(stdout, "bad argument #2 to 'Application.agones_set_label' ('harbour docks' is not a valid label value (at most 63 characters, letters and digits at both ends, - _ . inside))\nready now\n");
  const names = sidecar.calls.map((c) => c.name).filter((name) => name !== 'Health');
  t.deepEqual(names, ['Ready', 'Shutdown'], 'hosting a lobby did not make it Ready; the script did');
});

test.serial('a sidecar that refuses calls is logged, once per kind of call, and the server runs on', async (t) => {
  const sidecar = await StandInSidecar.start(true);
  t.teardown(() => sidecar.close());
  const { code, stderr } = await runHostingScript(t, sidecar, [], 'Application.agones_ready()');
  t.is(code, 0, stderr);
  t.is(stderr.match(/agones: Ready failed: 13 INTERNAL: stand-in refuses Ready\n/g)?.length, 1, stderr);
  t.deepEqual(sidecar.calls.map((c) => c.name).filter((name) => name !== 'Health'), ['Ready', 'Ready', 'Shutdown'], 'later calls still go out');
});

test('without --agones, Application.agones_* raise saying so; bad labels are refused naming the argument', async (t) => {
  const vm = await createTestVm();
  t.teardown(() => vm.vm.close());
  t.is(
    vm.run(`
      print(pcall(Application.agones_ready))
      print(pcall(Application.agones_set_label, "map", "harbour"))
    `),
    [
      'false\tApplication.agones_ready: this run was not started with --agones (stingray-net run --agones), so there is no Agones SDK to tell',
      'false\tApplication.agones_set_label: this run was not started with --agones (stingray-net run --agones), so there is no Agones SDK to tell',
      '',
    ].join('\n'),
  );
});

test('bad --agones options are refused naming the option', (t) => {
  const script = 'lua/examples/lan_lobby.lua';
  t.throws(() => parseRunOptions([script, '--agones', '--agones-ready', 'soon']), { message: "--agones-ready must be one of hosting, manual, got 'soon'" });
  t.throws(() => parseRunOptions([script, '--agones', '--agones-label', 'map']), { message: "--agones-label must be LABEL=LOBBY_DATA_KEY (the label to set and the hosted lobby's data key it mirrors), got 'map'" });
  t.throws(() => parseRunOptions([script, '--agones', '--agones-label', '-map=level']), { message: "--agones-label: '-map' is not a valid label key (at most 63 characters, letters and digits at both ends, - _ . inside)" });
  t.throws(() => parseRunOptions([script, '--agones-label', 'map=level']), { message: '--agones-ready and --agones-label need --agones' });
  t.deepEqual(parseRunOptions([script, '--agones', '--agones-label', 'map=level', '--agones-label', 'mode=game_mode']).server?.agones, { ready: 'hosting', labels: new Map([['map', 'level'], ['mode', 'game_mode']]) });
});

test('the Agones manifests in deploy/agones run the server with options the parser takes, on the ports they declare', (t) => {
  const fixtures = path.dirname(SERVER_SCRIPT);
  for (const file of ['gameserver.yaml', 'fleet.yaml']) {
    const text = readFileSync(path.join(REPO_ROOT, 'deploy/agones', file), 'utf8');
    const args = JSON.parse(/^\s*args: (\[.*\])$/m.exec(text)![1]!) as string[];
    // The image's game folder is this repository's fixture folder here.
    const options = parseRunOptions(args.map((arg) => (arg === 'game/server.lua' ? SERVER_SCRIPT : arg === 'game' ? fixtures : arg)));
    t.deepEqual(options.server?.agones, { ready: 'hosting', labels: new Map([['map', 'map']]) }, file);
    t.true(options.realtime, file);
    const udpPort = /containerPort: (\d+)\s+protocol: UDP/.exec(text)?.[1];
    t.deepEqual(options.scriptArgs, ['--port', udpPort], `${file}: the script's game port is the UDP port Agones maps`);
    t.regex(text, new RegExp(`name: metrics, containerPort: ${options.server?.metricsPort}, protocol: TCP`), file);
  }
});
