/**
 * The `Network` namespace's transport functions: the frame update (where every callback fires),
 * this peer's id, per-peer connection queries, timers and limits, QoS, explicit connections and
 * channel states. Subsystem functions (`init_lan_client`, lobbies) live in their own bindings and
 * plug in through `ScriptNetwork`.
 */
import type { Channel, Channels } from '../../core/transport/channel.js';
import { NetworkError } from '../../core/base/network_error.js';
import type { GameSession } from '../../core/session/game_session.js';
import type { ReplaySession } from '../../core/session/replay_session.js';
import { loadNetworkConfig, type NetworkConfig } from '../../core/config/network_config.js';
import { NetworkNode, type NetworkEnvironment } from '../../core/transport/network_node.js';
import { ManualClock } from '../../core/base/clock.js';
import { NetworkSimulator } from '../../core/transport/network_simulator.js';
import { openPlatformLink, type PlatformAccess, type PlatformLink } from '../../core/platform/platform_link.js';
import { PlatformService } from '../../core/platform/platform_service.js';
import type { PeerId } from '../../core/base/peer_id.js';
import { Random } from '../../core/base/random.js';
import { Rpc } from '../../core/session/rpc.js';
import type { NetworkLog } from '../../core/transport/network_log.js';
import type { SentPart } from '../../core/transport/connection.js';
import type { ScriptEvent } from '../../core/session/script_event.js';

import { MAX_MTU, MIN_MTU, type TransportSettings } from '../../core/transport/transport_settings.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LUA_TTABLE, LuaRaise, type LuaApi, type LuaCFunction, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import { NetworkValues } from './network_value.js';
import { ScriptCallbacks } from '../../bridge/script_callbacks.js';

/** A running network subsystem (LAN client, Steam client, ...), as the Network functions drive it. */
export interface NetworkSubsystem {
  readonly name: string;
  readonly channels: Channels;
  /** Why the subsystem can no longer work (its platform service was lost), if so. */
  readonly fatalError?: string | undefined;
  /** Learn where any user is (Steam connects to users by id); `done` gets undefined once `node.addresses` has it, else why not. */
  resolvePeer?(peer: PeerId, done: (failure: string | undefined) => void): void;
  update(): void;
  transmit(): void;
  shutdown(): void;
}

/** How a script should start a subsystem, for errors about a missing one. */
export const START_A_CLIENT = 'call Network.init_lan_client, init_steam_client, init_steam_server, init_psn_client or init_xboxlive_client first';

/** Dispatches one kind of event into the script's callback table during Network.update*. */
export type EventDispatcher = (L: LuaState, tableIdx: number, handlerIdx: number) => void;

/** What the runner gives each VM's network. */
export interface ScriptNetworkOptions {
  environment: NetworkEnvironment;
  /** The network log this peer writes (`--network-log`), if any. */
  log?: NetworkLog;
  /** Load a `.network_config` by resource name. */
  loadConfig(name: string): NetworkConfig;
  /**
   * The platform service the Steam, PSN and Xbox Live subsystems use: one embedded in the process
   * (shared by its peers) or a `stingray-net platform` process. Without one, this VM gets its own.
   */
  platform?: PlatformAccess;
}

/** What `Network.log(level)` prints, quietest first (`"info"` is accepted for messages). */
export const LOG_LEVELS = ['silent', 'warnings', 'messages', 'spew'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One VM's network state: the node, the running subsystem, its session and RPCs, and who dispatches callbacks. */
export class ScriptNetwork {
  logLevel: LogLevel = 'warnings';
  /** RPCs left out of spew logging (Network.ignore_rpc_log). */
  readonly ignoredRpcs = new Set<string>();
  /** Where the network's log lines go (the script's output). */
  writeLog: (text: string) => void = () => undefined;
  readonly node: NetworkNode;
  subsystem: NetworkSubsystem | undefined;
  /** The running subsystem's network config. */
  config: NetworkConfig | undefined;
  rpc: Rpc | undefined;
  session: GameSession | undefined;
  /** A replay session being played (Network.create_replay_session). */
  replay: ReplaySession | undefined;
  /** Script callbacks waiting for the next Network.update*, in arrival order. */
  readonly events: ScriptEvent[] = [];
  /** Run in order inside every Network.update / update_receive. */
  readonly dispatchers: EventDispatcher[] = [];
  /** Told when a subsystem starts (RPC functions appear) and stops. */
  readonly onStart: ((config: NetworkConfig) => void)[] = [];
  readonly onStop: (() => void)[] = [];

  /** The network log being written (from the runner, or opened with Network.open_network_log). */
  networkLog: NetworkLog | undefined;

  constructor(readonly options: ScriptNetworkOptions) {
    this.networkLog = options.log;
    // The transport reports to whichever log is open at the time.
    const meter = {
      sent: (peer: PeerId, tag: string, bytes: number, part?: SentPart) => this.networkLog?.sent(peer, tag, bytes, part),
      received: (peer: PeerId, tag: string, bytes: number) => this.networkLog?.received(peer, tag, bytes),
      lost: (peer: PeerId) => this.networkLog?.lost(peer),
      rtt: (peer: PeerId, seconds: number) => this.networkLog?.rtt(peer, seconds),
      logsFields: () => this.networkLog !== undefined,
      fieldBits: (peer: PeerId, direction: 'sent' | 'received', field: string, bits: number) => this.networkLog?.fieldBits(peer, direction, field, bits),
    };
    this.node = new NetworkNode({ ...options.environment, meter });
    this.node.notice = (text) => this.log('messages', text);
  }

  /** A subsystem is up: RPCs can flow. */
  start(subsystem: NetworkSubsystem, config: NetworkConfig): void {
    this.subsystem = subsystem;
    this.config = config;
    if (this.networkLog) this.networkLog.peer = this.node.host?.peerId;
    this.rpc = new Rpc(this.node, config, subsystem.channels, this.events, () => this.session?.inSession() ?? false);
    this.node.listen((event) => {
      if (event.type === 'connected') this.log('messages', `connected to ${event.connection.peer} at ${event.connection.endpoint.address}:${event.connection.endpoint.port}`);
      else if (event.type === 'disconnected') this.log('messages', `disconnected from ${event.connection.peer}: ${event.connection.reason}`);
      else this.log('messages', `could not connect to ${event.endpoint.address}:${event.endpoint.port}: ${event.reason}`);
    });
    for (const listener of this.onStart) listener(config);
  }

  /** Shut the subsystem down, with its session. */
  stop(): void {
    const subsystem = this.subsystem;
    if (!subsystem) return;
    for (const listener of this.onStop) listener();
    this.session?.close();
    this.session = undefined;
    subsystem.shutdown();
    this.subsystem = undefined;
    this.config = undefined;
    this.rpc = undefined;
    this.events.length = 0;
  }

  /** Print `[network] text` when the log level includes `level`. */
  log(level: Exclude<LogLevel, 'silent'>, text: string): void {
    if (LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.logLevel)) this.writeLog(`[network] ${text}\n`);
  }

  requireSubsystem(fn: string): NetworkSubsystem {
    if (!this.subsystem) throw new NetworkError(`${fn}: no network client is running (${START_A_CLIENT})`);
    return this.subsystem;
  }

  /**
   * Where a platform subsystem draws its user's id: this peer's seeded generator, mixed with the
   * process id when the service is shared between processes (runs with the same --seed would
   * otherwise sign in twice as the same user).
   */
  platformIds(): Random {
    const random = this.node.environment.random;
    return this.options.platform === undefined || this.options.platform instanceof PlatformService ? random : new Random((random.nextUint32() ^ process.pid) >>> 0);
  }

  /** A link to the platform service for a platform subsystem starting now. */
  openPlatformLink(): PlatformLink {
    this.options.platform ??= new PlatformService();
    return openPlatformLink(this.options.platform);
  }

  /** Refuse a second subsystem, as the engine allows one at a time. */
  checkNoSubsystem(fn: string): void {
    const running = this.subsystem?.name;
    if (running) throw new NetworkError(`${fn}: ${/^[aeiou]/i.test(running) ? 'an' : 'a'} ${running} is already running; only one network subsystem at a time (shut it down first)`);
  }

  channel(id: number, fn: string): Channel {
    const channel = this.subsystem?.channels.get(id);
    if (!channel) throw new NetworkError(`${fn}: no channel ${id}`);
    return channel;
  }
}

const TIMERS: Record<string, keyof TransportSettings> = {
  set_max_transmit_rate: 'minTransmitInterval',
  set_keep_alive_time: 'keepAliveTime',
  set_ping_send_time: 'keepAliveTime',
  set_ping_resend_time: 'keepAliveResendTime',
  set_keep_alive_time_connecting: 'keepAliveTimeConnecting',
  set_max_receiver_lost_time: 'receiverLostTime',
  set_pong_timeout: 'receiverLostTime',
  set_resend_time: 'resendTime',
};

export function installNetwork(vm: LuaVm, net: ScriptNetwork): void {
  const shared = networkShared(vm, net);
  installFunctions(vm, {
    Network: { ...networkFrameFunctions(shared), ...networkQosFunctions(shared), ...networkConnectionsFunctions(shared) },
  });
}

/** Adds the event dispatchers and the timer settings, and builds what the function tables share. */
function networkShared(vm: LuaVm, net: ScriptNetwork) {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  const callbacks = new ScriptCallbacks(vm);
  const node = net.node;
  const define = (name: string, fn: LuaCFunction): void => vm.defineFunction('Network', name, fn);
  net.dispatchers.push(channelApprovals(net, bridge, callbacks), sessionEvents(vm, net, callbacks));

  const receive = (L: LuaState, fn: string, tableArg: number): void => {
    if (bridge.type(L, tableArg) !== LUA_TTABLE && !args.isNone(L, tableArg)) args.bad(L, tableArg, fn, 'callback table');
    const subsystem = net.subsystem;
    if (!subsystem) return;
    subsystem.update();
    net.replay?.step();
    if (args.isNone(L, tableArg)) return;
    const handlerIdx = callbacks.pushHandler(L);
    for (const dispatch of net.dispatchers) dispatch(L, tableArg, handlerIdx);
    bridge.setTop(L, handlerIdx - 1);
  };

  const transmit = (): void => {
    net.session?.transmit();
    net.subsystem?.transmit();
    // A frame ends with its transmit.
    net.networkLog?.endFrame(node.clock.now());
  };

  const peerArg = (L: LuaState, fn: string): PeerId => args.peerId(L, 1, fn);

  for (const [name, key] of Object.entries(TIMERS)) {
    define(name, (L) => {
      const seconds = args.number(L, 1, `Network.${name}`, 'seconds');
      if (!(seconds > 0) || !Number.isFinite(seconds)) throw new LuaRaise(`bad argument #1 to 'Network.${name}' (a positive number of seconds expected, got ${seconds})`);
      node.settings[key] = seconds;
      return 0;
    });
  }

  return { bridge, args, node, receive, transmit, peerArg, net };
}
type NetworkShared = ReturnType<typeof networkShared>;

/** `Network.update` to `Network.fatal_error`. */
function networkFrameFunctions({ bridge, args, node, receive, transmit, peerArg, net }: NetworkShared): Functions {
  return {
    update: (L, fn) => {
      args.number(L, 1, fn, 'dt');
      receive(L, fn, 2);
      transmit();
      return 0;
    },
    update_receive: (L, fn) => {
      args.number(L, 1, fn, 'dt');
      receive(L, fn, 2);
      return 0;
    },
    update_transmit: () => {
      transmit();
      return 0;
    },
    peer_id: (L, fn) => {
      if (args.isNone(L, 1)) {
        const host = node.host;
        if (host) bridge.pushString(L, host.peerId);
        else bridge.pushNil(L);
        return 1;
      }
      const id = args.integer(L, 1, fn, 'channel');
      bridge.pushString(L, net.channel(id, fn).peer);
      return 1;
    },
    // Read the peer before touching the host: `host?.connectionTo(arg)` would skip the argument check.
    ping: (L, fn) => {
      const peer = peerArg(L, fn);
      const connection = node.host?.connectionTo(peer);
      bridge.pushNumber(L, connection?.state === 'connected' ? connection.rtt : 0);
      return 1;
    },
    time_since_receive: (L, fn) => {
      const peer = peerArg(L, fn);
      const connection = node.host?.connectionTo(peer);
      if (!connection) throw new LuaRaise(`Network.time_since_receive: no connection to peer ${peer}`);
      bridge.pushNumber(L, node.clock.now() - connection.lastReceiveTime);
      return 1;
    },
    reliable_send_buffer_left: (L, fn) => {
      const peer = peerArg(L, fn);
      const connection = node.host?.connectionTo(peer);
      bridge.pushInteger(L, connection ? connection.reliableSendBufferLeft : 0);
      return 1;
    },
    fatal_error: (L) => {
      // LAN play has no account or service that can fail fatally (the host socket closing is the one
      // case); the platforms fail when their service is lost or refuses the user.
      const subsystem = net.subsystem;
      bridge.pushBoolean(L, subsystem !== undefined && (node.host === undefined || subsystem.fatalError !== undefined));
      return 1;
    },
  };
}

/** `Network.limit_mtu` to `Network.set_explicit_connections`. */
function networkQosFunctions({ bridge, args, node, peerArg }: NetworkShared): Functions {
  return {
    limit_mtu: (L, fn) => {
      const bytes = args.integer(L, 1, fn, 'bytes');
      // Scripts pass 65536 for "no limit": clamp to what a UDP datagram can carry.
      node.settings.mtu = Math.min(MAX_MTU, Math.max(MIN_MTU, bytes));
      return 0;
    },
    enable_qos: (L, fn) => {
      const min = args.number(L, 1, fn, 'min_peer_kbps');
      const initial = args.number(L, 2, fn, 'initial_peer_kbps');
      const maxTotal = args.number(L, 3, fn, 'max_total_kbps');
      if (min <= 0 || initial < min || maxTotal < min) throw new LuaRaise(`${fn}: need 0 < min_peer_kbps <= initial_peer_kbps and min_peer_kbps <= max_total_kbps (got ${min}, ${initial}, ${maxTotal})`);
      Object.assign(node.qos, { enabled: true, minPeerKbps: min, initialPeerKbps: initial, maxPeerKbps: maxTotal, maxTotalKbps: maxTotal });
      node.host?.applyQos();
      return 0;
    },
    set_qos_config: (L, fn) => {
      if (bridge.type(L, 1) !== LUA_TTABLE) args.bad(L, 1, fn, 'table');
      const field = (key: string): number | undefined => {
        const type = bridge.getField(L, 1, key);
        const value = type === LUA_TNUMBER ? bridge.toNumber(L, -1) : undefined;
        const bad = type !== LUA_TNUMBER && type > 0 ? bridge.typeName(L, -1) : undefined;
        bridge.setTop(L, -2);
        if (bad) throw new LuaRaise(`bad argument #1 to '${fn}' (field '${key}' must be a number, got ${bad})`);
        return value;
      };
      bridge.getField(L, 1, 'enable');
      const enable = bridge.toBoolean(L, -1);
      bridge.setTop(L, -2);
      const min = field('min_fill_rate_kbps') ?? node.qos.minPeerKbps;
      const max = field('max_fill_rate_kbps') ?? node.qos.maxPeerKbps;
      if (enable && (!(min > 0) || max < min)) throw new LuaRaise(`${fn}: need 0 < min_fill_rate_kbps <= max_fill_rate_kbps (got ${min}, ${max})`);
      Object.assign(node.qos, { enabled: enable, minPeerKbps: min, initialPeerKbps: min, maxPeerKbps: max, maxTotalKbps: Infinity });
      node.host?.applyQos();
      return 0;
    },
    enable_qos_peer: (L, fn) => {
      node.qos.exempt.delete(peerArg(L, fn));
      node.host?.applyQos();
      return 0;
    },
    disable_qos_peer: (L, fn) => {
      node.qos.exempt.add(peerArg(L, fn));
      node.host?.applyQos();
      return 0;
    },
    set_explicit_connections: () => {
      node.explicitConnections = true;
      return 0;
    },
  };
}

/** `Network.create_connection` to `Network.channel_state`. */
function networkConnectionsFunctions({ bridge, args, node, peerArg, net }: NetworkShared): Functions {
  return {
    create_connection: (L, fn) => {
      const peer = peerArg(L, fn);
      node.requireHost(fn);
      const resolve = net.subsystem?.resolvePeer;
      if (!node.addresses.has(peer) && !resolve) throw new LuaRaise(`${fn}: the address of peer ${peer} is not known (it must be a member of a lobby this peer is in)`);
      node.broken.delete(peer);
      node.scriptConnections.add(peer);
      if (node.addresses.has(peer)) node.connect(peer);
      // Steam reaches any signed-in user by id: ask the service where, then connect.
      else
        resolve!.call(net.subsystem, peer, (reason) => {
          if (reason === undefined) node.connect(peer);
          else node.broken.set(peer, reason);
        });
      bridge.pushInteger(L, node.connectionId(peer)!);
      return 1;
    },
    destroy_connection: (L, fn) => {
      const peer = peerArg(L, fn);
      const connection = node.host?.connectionTo(peer);
      if (connection && connection.users.size > 0) throw new LuaRaise(`${fn}: the connection to ${peer} is used by ${[...connection.users].join(', ')}; leave those first`);
      node.scriptConnections.delete(peer);
      node.broken.delete(peer);
      if (connection) node.host!.disconnect(peer, 'connection destroyed by the script');
      return 0;
    },
    /** The connection's id (as create_connection gave it), or nil when there is none. */
    has_connection: (L, fn) => {
      const id = node.connectionId(peerArg(L, fn));
      if (id === undefined) bridge.pushNil(L);
      else bridge.pushInteger(L, id);
      return 1;
    },
    is_broken: (L, fn) => {
      bridge.pushBoolean(L, node.broken.has(peerArg(L, fn)));
      return 1;
    },
    is_used: (L, fn) => {
      const peer = peerArg(L, fn);
      const connection = node.host?.connectionTo(peer);
      bridge.pushBoolean(L, connection !== undefined && connection.users.size > 0);
      return 1;
    },
    connections: (L) => {
      const peers = new Set<PeerId>(node.scriptConnections);
      for (const connection of node.host?.connections() ?? []) peers.add(connection.peer);
      bridge.newTable(L, peers.size, 0);
      let i = 1;
      for (const peer of peers) {
        bridge.pushString(L, peer);
        bridge.rawSetIndex(L, -2, i++);
      }
      return 1;
    },
    channel_state: (L, fn) => {
      const id = args.integer(L, 1, fn, 'channel');
      const channel = net.subsystem?.channels.get(id);
      bridge.pushString(L, channel ? channel.state : 'disconnected');
      bridge.pushString(L, channel ? channel.reason : `no channel ${id}`);
      return 2;
    },
  };
}


/** A network of its own for one VM (tests, benches): the simulator on a clock only the caller advances. */
export function isolatedNetworkOptions(root: string, seed = 1): ScriptNetworkOptions {
  const clock = new ManualClock();
  return {
    environment: { network: new NetworkSimulator(clock, seed), clock, random: new Random(seed) },
    loadConfig: (name) => loadNetworkConfig(root, name),
  };
}

/** Channel approvals: `approve_channel(channel, peer, lobby_id, message)`; a missing handler approves. */
function channelApprovals(net: ScriptNetwork, bridge: LuaApi, callbacks: ScriptCallbacks): EventDispatcher {
  return (L, tableIdx, handlerIdx) => {
    const channels = net.subsystem?.channels;
    if (!channels) return;
    for (const request of channels.takeRequests()) {
      const c = request.channel;
      let approved = true;
      try {
        const outcome = callbacks.call(L, tableIdx, handlerIdx, 'approve_channel', (L) => {
          bridge.pushInteger(L, c.id);
          bridge.pushString(L, c.peer);
          bridge.pushString(L, c.lobbyId);
          bridge.pushString(L, c.message);
          return 4;
        });
        if (!outcome.missing) approved = outcome.result === true;
      } catch (error) {
        channels.answer(request, false);
        throw error;
      }
      channels.answer(request, approved);
    }
  };
}

/** What the peer's session received, into the network log: the dump replay sessions play. */
function recordEvent(net: ScriptNetwork, event: ScriptEvent): void {
  const time = net.node.clock.now();
  switch (event.name) {
    case 'rpc':
      net.networkLog!.event(time, { event: 'rpc', message: event.message, from: event.from, args: event.args });
      return;
    case 'game_object_created': {
      const object = net.session?.objects.get(event.id);
      net.networkLog!.event(time, { event: event.name, id: event.id, type: object?.type.name, owner: event.owner, values: object?.values });
      return;
    }
    default:
      net.networkLog!.event(time, 'id' in event ? { event: event.name, id: event.id, other: event.peer } : { event: event.name, other: event.peer });
  }
}

/** Session and RPC events, in arrival order. A callback that fails leaves the later events for the next update. */
function sessionEvents(vm: LuaVm, net: ScriptNetwork, callbacks: ScriptCallbacks): EventDispatcher {
  const { bridge } = vm;
  const values = new NetworkValues(vm);
  const unhandled = new Set<string>();
  /** `tbl[name](tbl, id, peer)`: the shape of every object event. */
  const objectCallback = (L: LuaState, tableIdx: number, handlerIdx: number, name: string, id: number, peer: PeerId): void => {
    if (!callbacks.prepare(L, tableIdx, name)) return;
    bridge.pushInteger(L, id);
    callbacks.pushString(L, handlerIdx, peer);
    callbacks.invoke(L, handlerIdx, 2);
  };
  return (L, tableIdx, handlerIdx) => {
    const events = net.events;
    let next = 0;
    try {
      while (next < events.length) {
        const event = events[next++]!;
        if (net.networkLog && !net.replay) recordEvent(net, event);
        switch (event.name) {
          case 'rpc': {
            const message = net.config?.messages.get(event.message);
            if (!message) break;
            if (!net.ignoredRpcs.has(event.message)) net.log('spew', `received ${event.message} from ${event.from}`);
            if (!callbacks.prepare(L, tableIdx, event.message)) {
              if (!unhandled.has(event.message)) {
                // Said once per message: a script may well ignore some messages on purpose.
                unhandled.add(event.message);
                net.log('warnings', `warning: the callback table has no handler for RPC '${event.message}'; dropped`);
              }
              break;
            }
            if (typeof event.from === 'number') bridge.pushInteger(L, event.from);
            else callbacks.pushString(L, handlerIdx, event.from);
            const types = message.args;
            for (let i = 0; i < types.length; i++) values.push(L, types[i]!, event.args[i]!);
            callbacks.invoke(L, handlerIdx, 1 + types.length);
            break;
          }
          case 'game_object_created':
            objectCallback(L, tableIdx, handlerIdx, event.name, event.id, event.owner);
            break;
          case 'game_object_destroyed':
            try {
              objectCallback(L, tableIdx, handlerIdx, event.name, event.id, event.peer);
            } finally {
              event.release();
            }
            break;
          case 'game_object_migrated_to_me':
          case 'game_object_migrated_away':
            objectCallback(L, tableIdx, handlerIdx, event.name, event.id, event.peer);
            break;
          default:
            if (!callbacks.prepare(L, tableIdx, event.name)) break;
            callbacks.pushString(L, handlerIdx, event.peer);
            callbacks.invoke(L, handlerIdx, 1);
        }
      }
    } finally {
      // Events after a failing callback stay for the next update.
      events.splice(0, next);
    }
  };
}
