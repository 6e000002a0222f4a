/**
 * The errors of the TypeScript API: one class with a code to switch on, and a message that names the
 * method, the object type, field or message, and the value at fault.
 */
import { NetworkError } from '../core/base/network_error.js';
import { ValueError } from '../core/config/network_type.js';

/**
 * What went wrong, for code that handles errors by kind:
 * - `UNKNOWN_OBJECT_TYPE`, `UNKNOWN_FIELD`, `UNKNOWN_MESSAGE`: a name the network config does not have.
 * - `UNKNOWN_OBJECT`: no game object with that id here (never created, or destroyed).
 * - `INVALID_VALUE`: a value its network type refuses (out of range, wrong kind, too long).
 * - `NOT_OWNER`: a write to a game object another peer owns.
 * - `NOT_IN_SESSION`: a session call before {@link NetworkPeer.hostSession} or joining one.
 * - `CLOSED`: a call after {@link NetworkPeer.close}.
 * - `REFUSED`: any other request the network refuses (the message says why: no connection to the
 *   peer, already in a session, no object ids left...).
 *
 * @category Session
 */
export type StingrayErrorCode =
  | 'UNKNOWN_OBJECT_TYPE'
  | 'UNKNOWN_FIELD'
  | 'UNKNOWN_MESSAGE'
  | 'UNKNOWN_OBJECT'
  | 'INVALID_VALUE'
  | 'NOT_OWNER'
  | 'NOT_IN_SESSION'
  | 'CLOSED'
  | 'REFUSED';

/**
 * An error of the TypeScript API. Nothing changed when one is thrown: every argument is checked
 * before anything is sent or stored.
 *
 * @category Session
 */
export class StingrayError extends Error {
  /** Always `'StingrayError'`. */
  override name = 'StingrayError';

  /**
   * @param code what went wrong, to switch on
   * @param message what went wrong, naming the method and the value at fault
   * @param options the core error it translates, as `cause`
   */
  constructor(
    /** What went wrong, to switch on. */
    readonly code: StingrayErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Run `body` for the API method `method`, turning the core's errors (whose messages name the Lua
 * function a script would have called) into StingrayErrors that name the method.
 */
export function translateErrors<T>(method: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof ValueError) throw new StingrayError('INVALID_VALUE', `${method}: ${error.message}`, { cause: error });
    if (error instanceof NetworkError) {
      // "GameSession.create_game_object: not in a session" → "createObject: not in a session"
      const why = error.message.replace(/^[A-Za-z]+\.[a-z_]+: /, '');
      throw new StingrayError('REFUSED', `${method}: ${why}`, { cause: error });
    }
    throw error;
  }
}
