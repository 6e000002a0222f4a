/**
 * The game session's messages (service byte `Session`), all reliable except `Update`.
 *
 *   Add          host -> peer   you are in: host's peer list, a block of object ids
 *   Members      host -> peers  the session's peers changed
 *   Create       owner -> host -> peers   an object with all its field values
 *   Destroy      any -> host -> peers     an object is gone (by whom)
 *   Update       owner -> host -> peers   changed fields of several objects (unreliable, bit-packed)
 *   SyncDone     host -> peer   every object that existed when you joined was sent
 *   SyncAck      peer -> host   ... and received
 *   Leave        peer -> host   the peer wants to leave (forced: it already left)
 *   Removed      host -> peer   you are out of the session (why)
 *   IdRequest    peer -> host   more object ids please
 *   IdBlock      host -> peer   object ids start..start+count-1 are yours
 *   Migrate      host -> peers  an object has a new owner
 *   HostMigrate  host -> peers  the host role goes to another peer (which hands out ids from here on)
 */
export const enum SessionMessage {
  Add = 1,
  Members = 2,
  Create = 3,
  Destroy = 4,
  Update = 5,
  SyncDone = 6,
  SyncAck = 7,
  Leave = 8,
  Removed = 9,
  IdRequest = 10,
  IdBlock = 11,
  Migrate = 12,
  HostMigrate = 13,
}
