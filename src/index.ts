/**
 * stingray-network as a TypeScript library: peers of a networked game driven from TypeScript without
 * Lua ({@link NetworkPeer}: lobby, game session, game objects and RPCs by the names of a
 * `.network_config`), the network simulator, the emulated Steam / PSN / Xbox Live service, and the
 * network log's analyzer. The guide is docs/guide/typescript.md; the Lua runtime is the
 * `stingray-net` command.
 *
 * @packageDocumentation
 */

// Session: a peer, its game objects and RPCs, and its errors
export { NetworkPeer, type GameObjectView, type NetworkPeerOptions } from './api/network_peer.js';
export type { LobbyStateEvent, MigrationEvent, ObjectEvent, PeerEvent, PeerEvents, RpcEvent } from './api/peer_events.js';
export { StingrayError, type StingrayErrorCode } from './api/stingray_error.js';
export type { PeerId } from './core/base/peer_id.js';

// Config: the .network_config and the values its types carry
export { NetworkConfig, NetworkConfigError, loadNetworkConfig, type MessageType, type ObjectField, type ObjectType } from './core/config/network_config.js';
export type { NetworkType, QuaternionValue, TypeInfo, TypeKind, Vector3Value, WireValue } from './core/config/network_type.js';

// Transport: real UDP or the simulator, and the clocks
export { ManualClock, WallClock, type Clock } from './core/base/clock.js';
export { Random } from './core/base/random.js';
export type { DatagramNetwork } from './core/transport/datagram_socket.js';
export { UdpNetwork } from './core/transport/udp_network.js';
export { NetworkSimulator, parseLinkConditions, type LinkConditions, type SimulatorStats } from './core/transport/network_simulator.js';

// Lobby
export type { LobbyState } from './core/lobby/lan_lobby.js';

// Platform: the emulated Steam / PSN / Xbox Live service
export { PlatformService } from './core/platform/platform_service.js';
export { PlatformServer, type PlatformServerDrops } from './core/platform/platform_server.js';

// Analyzer: the network log's traffic report
export { analyzeNetworkLog, type NetworkLogAnalysis } from './analyzer/network_log_report.js';
export { NetworkLogError } from './analyzer/network_log_reader.js';
