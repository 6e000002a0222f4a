/**
 * The transport's timers and limits, each settable from Lua (Network.set_* functions). Defaults
 * are the engine's.
 */
export interface TransportSettings {
  /** Largest datagram payload in bytes (Network.limit_mtu). */
  mtu: number;
  /** Minimum seconds between two transmits on a connection. */
  minTransmitInterval: number;
  /** Send a packet (a keep-alive) when nothing else was sent for this long (Network.set_ping_send_time). */
  keepAliveTime: number;
  /** ... or for this long when the peer sent nothing since our last packet (Network.set_ping_resend_time). */
  keepAliveResendTime: number;
  /** How often a connection being set up repeats its connect request. */
  keepAliveTimeConnecting: number;
  /** A connection that received nothing for this long is broken. */
  receiverLostTime: number;
  /** Seconds before an unacknowledged reliable message is sent again. */
  resendTime: number;
}

export const DEFAULT_MTU = 1200;
/** The smallest MTU a UDP payload may be limited to (RFC 791's 576-byte datagram minus headers). */
export const MIN_MTU = 548;
/** The largest UDP payload over IPv4. */
export const MAX_MTU = 65507;

export function defaultTransportSettings(): TransportSettings {
  return {
    mtu: DEFAULT_MTU,
    minTransmitInterval: 0.03,
    keepAliveTime: 0.5,
    keepAliveResendTime: 1.0,
    keepAliveTimeConnecting: 1.0,
    receiverLostTime: 60,
    resendTime: 0.2,
  };
}
