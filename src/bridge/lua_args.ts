/**
 * Reading engine-function arguments from the Lua stack, with errors in Lua's own words:
 * `bad argument #2 to 'Network.ping' (peer id expected, got nil)`.
 */
import { luaJitNumberText } from '../core/wire/number_text.js';
import { parsePeerId, peerIdFromBigInt, peerIdFromNumber, type PeerId } from '../core/base/peer_id.js';
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LuaRaise, type LuaApi, type LuaState } from './lua_api.js';

export class LuaArgs {
  constructor(private readonly bridge: LuaApi) {}

  bad(L: LuaState, idx: number, fn: string, expected: string): never {
    throw new LuaRaise(`bad argument #${idx} to '${fn}' (${expected} expected, got ${this.bridge.typeName(L, idx)})`);
  }

  isNone(L: LuaState, idx: number): boolean {
    return this.bridge.type(L, idx) <= LUA_TNIL;
  }

  number(L: LuaState, idx: number, fn: string, what = 'number'): number {
    if (this.bridge.type(L, idx) !== LUA_TNUMBER) this.bad(L, idx, fn, what);
    return this.bridge.toNumber(L, idx);
  }

  /** An integer; integral floats are accepted (LuaJIT scripts compute them). */
  integer(L: LuaState, idx: number, fn: string, what = 'integer'): number {
    const value = this.number(L, idx, fn, what);
    if (!Number.isInteger(value)) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} expected, got ${value})`);
    return value;
  }

  /** A non-negative integer below `max` (inclusive). */
  count(L: LuaState, idx: number, fn: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.integer(L, idx, fn, what);
    if (value < min || value > max) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} must be between ${min} and ${max}, got ${value})`);
    return value;
  }

  optionalInteger(L: LuaState, idx: number, fn: string, what = 'integer'): number | undefined {
    return this.isNone(L, idx) ? undefined : this.integer(L, idx, fn, what);
  }

  string(L: LuaState, idx: number, fn: string, what = 'string'): string {
    if (this.bridge.type(L, idx) !== LUA_TSTRING) this.bad(L, idx, fn, what);
    return this.bridge.toString(L, idx)!;
  }

  optionalString(L: LuaState, idx: number, fn: string, what = 'string'): string | undefined {
    return this.isNone(L, idx) ? undefined : this.string(L, idx, fn, what);
  }

  boolean(L: LuaState, idx: number, fn: string): boolean {
    if (this.bridge.type(L, idx) !== LUA_TBOOLEAN) this.bad(L, idx, fn, 'boolean');
    return this.bridge.toBoolean(L, idx);
  }

  /** A peer id: a hex string (any case), or a number (scripts pass `tonumber(hex, 16)`). */
  peerId(L: LuaState, idx: number, fn: string): PeerId {
    return this.id(L, idx, fn, 'peer id');
  }

  /**
   * A 64-bit id (peers, lobbies, rooms) as its canonical hex text: a hex string, or a number; Lua
   * integers are read exactly (a Steam lobby id is past 2^53), negative ones as their unsigned bits.
   */
  id(L: LuaState, idx: number, fn: string, what: string): PeerId {
    const type = this.bridge.type(L, idx);
    let id: PeerId | undefined;
    if (type === LUA_TSTRING) id = parsePeerId(this.bridge.toString(L, idx)!);
    else if (type === LUA_TNUMBER && this.bridge.isInteger(L, idx)) id = peerIdFromBigInt(BigInt.asUintN(64, this.bridge.toInteger64(L, idx)));
    else if (type === LUA_TNUMBER) id = peerIdFromNumber(this.bridge.toNumber(L, idx));
    else this.bad(L, idx, fn, what);
    if (id === undefined) {
      const text = this.bridge.toString(L, idx);
      throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} expected: a 64-bit hex string, got '${text}')`);
    }
    return id;
  }

  /** A Lua value as the text the engine would store (lobby data): numbers as LuaJIT prints them. */
  text(L: LuaState, idx: number, fn: string): string {
    const type = this.bridge.type(L, idx);
    if (type === LUA_TSTRING) return this.bridge.toString(L, idx)!;
    if (type === LUA_TNUMBER) return this.bridge.isInteger(L, idx) ? this.bridge.toString(L, idx)! : luaJitNumberText(this.bridge.toNumber(L, idx));
    if (type === LUA_TBOOLEAN) return this.bridge.toBoolean(L, idx) ? 'true' : 'false';
    return this.bad(L, idx, fn, 'string or number');
  }
}
