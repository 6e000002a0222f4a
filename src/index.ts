/**
 * stingray-network as a TypeScript library: the networking engine without Lua (configs, transport,
 * LAN lobbies, game sessions, RPCs), the Lua VM dressed as the Stingray engine, and the runner.
 * See docs/examples/typescript_peers.ts for two peers driven from TypeScript alone.
 *
 * @packageDocumentation
 */

// Time, randomness, errors
export { ManualClock, WallClock, type Clock } from './core/clock.js';
export { Random } from './core/random.js';
export { NetworkError } from './core/network_error.js';
export { ByteReader, MalformedError } from './core/byte_reader.js';
export type { PeerId } from './core/peer_id.js';

// Datagrams: real UDP or the simulator
export { BindError, type BindOptions, type Datagram, type DatagramNetwork, type DatagramSocket, type Endpoint } from './core/datagram_socket.js';
export { UdpNetwork } from './core/udp_network.js';
export { NetworkSimulator, SimulatedSocket, parseLinkConditions, type LinkConditions, type SimulatorStats } from './core/network_simulator.js';

// .network_config: types, objects, messages and their codecs
export { NetworkConfig, NetworkConfigError, loadNetworkConfig, type MessageType, type ObjectField, type ObjectType } from './core/network_config.js';
export { ValueError, type NetworkType, type QuaternionValue, type TypeInfo, type TypeKind, type Vector3Value, type WireValue } from './core/network_type.js';
export { BitReader } from './core/bit_reader.js';
export { BitWriter } from './core/bit_writer.js';
export type { ResourceLookup, ResourceResolver } from './core/resource_resolver.js';

// Transport
export { Host, type DropCounters, type HostEvent, type HostOptions, type QosSettings } from './core/host.js';
export type { Connection, ConnectionState, ConnectionStats, DeliveryCallback, TrafficMeter } from './core/connection.js';
export type { DataPacket, DataRecord, PacketType, RecordKind } from './core/packet.js';
export type { RateLimiter } from './core/qos.js';
export { defaultTransportSettings, type TransportSettings } from './core/transport_settings.js';
export { NetworkNode, type ConnectionListener, type NetworkEnvironment, type Service, type ServiceHandler, type TransportConfig } from './core/network_node.js';

// LAN lobbies and channels
export { LanClient } from './core/lan_client.js';
export { LanLobby, type LobbyMessage, type LobbyState } from './core/lan_lobby.js';
export { LanLobbyBrowser, type FoundLobby } from './core/lan_lobby_browser.js';
export { FILTER_COMPARISONS, compareLobbyValue, passesFilters, type FilterComparison, type LobbyFilter } from './core/lobby_filter.js';
export { Channel, Channels, type ChannelRequest, type ChannelState } from './core/channel.js';

// Steam, PSN and Xbox Live on the emulated platform service
export { PlatformService, type ServiceConnection } from './core/platform_service.js';
export { PlatformServer } from './core/platform_server.js';
export { DirectLink, TcpLink, openPlatformLink, type PlatformAccess, type PlatformLink } from './core/platform_link.js';
export { PlatformClient, type PlatformIdentity, type SignInState } from './core/platform_client.js';
export { PlatformLobby, type PlatformLobbyState } from './core/platform_lobby.js';
export { PlatformLobbyBrowser } from './core/platform_lobby_browser.js';
export { assignData, dataValue, setDataValue, type LobbyData } from './core/lobby_data.js';
export * from './core/platform_protocol.js';
export { SteamClient, steamUserId } from './core/steam_client.js';
export { SteamGameServer, ServerListing, steamServerId, type SteamServerSettings } from './core/steam_game_server.js';
export { SteamGameServerLobby } from './core/steam_game_server_lobby.js';
export { SteamServerBrowser } from './core/steam_server_browser.js';
export { PsnClient, PsnRoomDataExternal } from './core/psn_client.js';
export { XboxLiveClient, XboxMultiplayerSession, xuidOf, type SessionStatus } from './core/xbox_live_client.js';
export { SessionJob, type JobStatus } from './core/session_job.js';

// Game sessions and RPCs
export { GameSession, type SessionRole } from './core/game_session.js';
export type { EncodedField, GameObject, PeerReplica } from './core/game_object.js';
export { GameObjects, type GameObjectWatcher } from './core/game_objects.js';
export { Rpc, type RpcTarget } from './core/rpc.js';
export type { ScriptEvent } from './core/script_event.js';

// The network log and its analyzer
export { NetworkLog, NetworkLogFile } from './core/network_log.js';
export { ReplaySession } from './core/replay_session.js';
export { readNetworkLog, renderReport, type LogModel, type Series, type Tag } from './analyzer/network_log_report.js';

// The Lua side and the runner
export { createStingrayVm, type StingrayVm, type StingrayVmOptions } from './bindings/stingray_vm.js';
export { LOG_LEVELS, type EventDispatcher, type LogLevel, type NetworkSubsystem, type ScriptNetwork, type ScriptNetworkOptions } from './bindings/network_binding.js';
export type { LuaVm } from './bindings/lua_vm.js';
export type { LuaBridge, LuaCFunction, LuaState } from './bindings/lua_bridge.js';
export type { EngineObjects } from './bindings/engine_object.js';
export type { ApplicationHost } from './bindings/application_binding.js';
export { runScripts, type RunOutput } from './runner/run_scripts.js';
export { parseRunOptions, type RunOptions } from './runner/run_options.js';
