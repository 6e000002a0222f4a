/**
 * The stateless cookies of the handshake's challenge: a host answers a connect request without a
 * valid cookie with a cookie derived from the requester's address, peer id and salt under a secret
 * of this host, and keeps nothing. Only a requester that receives at its address can repeat the
 * request with the cookie, so no per-connection state (and no keep-alive traffic) is spent on an
 * address that was not proven, whatever a flood of forged requests claims.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { COOKIE_BYTES } from './packet.js';
import type { Endpoint } from './datagram_socket.js';

/** Seconds a cookie's time slot lasts; a cookie is good in its slot and the next (10–20 s). */
export const COOKIE_SLOT_SECONDS = 10;

export class ConnectCookies {
  /** Per host, from the OS's generator: cookies must be unguessable, even to a peer that knows the seed. */
  private readonly secret = randomBytes(32);

  /** The cookie for a request from `from` at `endpoint` with `salt`, at time `now` (seconds). */
  make(endpoint: Endpoint, from: bigint, salt: number, now: number): Uint8Array {
    return this.derive(endpoint, from, salt, Math.floor(now / COOKIE_SLOT_SECONDS));
  }

  /** Whether `cookie` was made by `make` for these values in this slot or the one before. */
  check(cookie: Uint8Array, endpoint: Endpoint, from: bigint, salt: number, now: number): boolean {
    const slot = Math.floor(now / COOKIE_SLOT_SECONDS);
    return [slot, slot - 1].some((s) => timingSafeEqual(this.derive(endpoint, from, salt, s), cookie));
  }

  private derive(endpoint: Endpoint, from: bigint, salt: number, slot: number): Uint8Array {
    const mac = createHmac('sha256', this.secret).update(`${endpoint.address}|${endpoint.port}|${from}|${salt}|${slot}`).digest();
    return new Uint8Array(mac.buffer, mac.byteOffset, COOKIE_BYTES);
  }
}
