/**
 * stingray-network as a TypeScript library: the networking engine without Lua (configs, transport,
 * LAN lobbies, game sessions, RPCs), the Lua VM dressed as the Stingray engine, and the runner.
 * See docs/examples/typescript_peers.ts for two peers driven from TypeScript alone.
 *
 * @packageDocumentation
 */

// The TypeScript API: one peer's lobby, game session, objects and RPCs by name
export { NetworkPeer, type GameObjectView, type NetworkPeerOptions } from './api/network_peer.js';
export type { PeerEvents } from './api/peer_events.js';
export { StingrayError, type StingrayErrorCode } from './api/stingray_error.js';

// Time, randomness, errors
export { ManualClock, WallClock, type Clock } from './core/base/clock.js';
export { Random } from './core/base/random.js';
export { NetworkError } from './core/base/network_error.js';
export { ByteReader, MalformedError } from './core/wire/byte_reader.js';
export type { ByteStream } from './core/wire/byte_stream.js';
export type { PeerId } from './core/base/peer_id.js';

// Datagrams: real UDP or the simulator
export { BindError, type BindOptions, type Datagram, type DatagramNetwork, type DatagramSocket, type Endpoint } from './core/transport/datagram_socket.js';
export { UdpNetwork } from './core/transport/udp_network.js';
export { NetworkSimulator, SimulatedSocket, parseLinkConditions, type LinkConditions, type SimulatorStats } from './core/transport/network_simulator.js';

// .network_config: types, objects, messages and their codecs
export { NetworkConfig, NetworkConfigError, loadNetworkConfig, type MessageType, type ObjectField, type ObjectType } from './core/config/network_config.js';
export { ValueError, type NetworkType, type QuaternionValue, type TypeInfo, type TypeKind, type Vector3Value, type WireValue } from './core/config/network_type.js';
export { BitReader } from './core/wire/bit_reader.js';
export { BitWriter } from './core/wire/bit_writer.js';
export type { BitCodec, BitStream } from './core/wire/bit_stream.js';
export type { ResourceLookup, ResourceResolver } from './core/config/resource_resolver.js';

// Transport
export { Host, type DropCounters, type HostEvent, type HostOptions, type QosSettings } from './core/transport/host.js';
export type { Connection, ConnectionState, ConnectionStats, DeliveryCallback, SentPart, TrafficMeter } from './core/transport/connection.js';
export type { DataPacket, DataRecord, PacketType, RecordKind } from './core/transport/packet.js';
export type { RateLimiter } from './core/transport/qos.js';
export { defaultTransportSettings, type TransportSettings } from './core/transport/transport_settings.js';
export { NetworkNode, type ConnectionListener, type NetworkEnvironment, type Service, type ServiceHandler, type TransportConfig } from './core/transport/network_node.js';

// LAN lobbies and channels
export { LanClient } from './core/lobby/lan_client.js';
export { LanLobby, type LobbyState } from './core/lobby/lan_lobby.js';
export { LanLobbyBrowser, type FoundLobby } from './core/lobby/lan_lobby_browser.js';
export { FILTER_COMPARISONS, compareLobbyValue, passesFilters, type FilterComparison, type LobbyFilter } from './core/lobby/lobby_filter.js';
export { Channel, Channels, type ChannelRequest, type ChannelState } from './core/transport/channel.js';

// Steam, PSN and Xbox Live on the emulated platform service
export { PlatformService, type ServiceConnection } from './core/platform/platform_service.js';
export { PlatformServer } from './core/platform/platform_server.js';
export { DirectLink, TcpLink, openPlatformLink, type PlatformAccess, type PlatformLink } from './core/platform/platform_link.js';
export { PlatformClient, type PlatformIdentity, type SignInState } from './core/platform/platform_client.js';
export { PlatformLobby, type PlatformLobbyState } from './core/platform/platform_lobby.js';
export { PlatformLobbyBrowser } from './core/platform/platform_lobby_browser.js';
export { assignData, dataValue, setDataValue, type LobbyData } from './core/lobby/lobby_data.js';
export * from './core/platform/platform_protocol.js';
export { SteamClient, steamUserId } from './core/platform/steam_client.js';
export { SteamGameServer, ServerListing, steamServerId, type SteamServerSettings } from './core/platform/steam_game_server.js';
export { SteamGameServerLobby } from './core/platform/steam_game_server_lobby.js';
export { SteamServerBrowser } from './core/platform/steam_server_browser.js';
export { SteamPingThread } from './core/platform/steam_ping_thread.js';
export { PsnClient, PsnRoomDataExternal } from './core/platform/psn_client.js';
export { XboxLiveClient, XboxMultiplayerSession, xuidOf, type OnlineState, type SessionStatus, type SmartMatchStatus } from './core/platform/xbox_live_client.js';
export { SessionJob, type JobStatus } from './core/platform/session_job.js';

// Game sessions and RPCs
export { GameSession, type SessionRole } from './core/session/game_session.js';
export type { EncodedField, GameObject, PeerReplica } from './core/session/game_object.js';
export { GameObjects, type GameObjectWatcher } from './core/session/game_objects.js';
export { Rpc, type RpcTarget } from './core/session/rpc.js';
export type { ScriptEvent } from './core/session/script_event.js';

// The network log and its analyzer
export { NETWORK_LOG_VERSION, NetworkLog, NetworkLogFile } from './core/transport/network_log.js';
export { ReplaySession } from './core/session/replay_session.js';
export { analyzeNetworkLog, renderReport } from './analyzer/network_log_report.js';
export { NetworkLogError, readNetworkLog, type EventLine, type NameLine, type NetworkLogLine, type TagLine, type TrafficLine } from './analyzer/network_log_reader.js';
export { Buckets, CategoryBuckets, ConnectionTraffic, TrafficModel, type CategoryTotals, type FieldCount, type Tag } from './analyzer/traffic_model.js';

// The Lua side and the runner
export { createStingrayVm, type StingrayVm, type StingrayVmOptions } from './bindings/stingray_vm.js';
export { LOG_LEVELS, type EventDispatcher, type LogLevel, type NetworkSubsystem, type ScriptNetwork, type ScriptNetworkOptions } from './bindings/network/network_binding.js';
export type { LuaVm } from './bridge/lua_vm.js';
export type { LuaApi, LuaCFunction, LuaState } from './bridge/lua_api.js';
export type { LuaBridge } from './bridge/lua_bridge.js';
export type { EngineObjects } from './bridge/engine_object.js';
export type { ApplicationHost } from './bindings/application/application_binding.js';
export { runScripts, type RunOutput } from './runner/run_scripts.js';
export { parseRunOptions, type RunOptions } from './runner/run_options.js';
export type { ServerOptions } from './runner/server_options.js';
export { LOG_FORMATS, LOG_LEVELS as RUN_LOG_LEVELS, type LogFormat, type LogLevel as RunLogLevel } from './runner/run_log.js';
