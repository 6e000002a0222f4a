import test from 'ava';
import fc from 'fast-check';
import { measureMessage, readMessage, writeMessage, type ByteLayout } from '../src/core/wire/byte_stream.js';
import { MalformedError } from '../src/core/wire/byte_reader.js';
import { sessionMessageLayout, SessionMessage, type SessionPacket } from '../src/core/session/session_message.js';
import { lobbyEnvelopeLayout, LobbyMessageType, type LobbyEnvelope } from '../src/core/lobby/lobby_message.js';
import { channelMessageLayout, ChannelMessageType, type ChannelMessage } from '../src/core/transport/channel_message.js';

// One layout per message writes, reads and measures it: for any message, what is read back is
// what was written, and the measured size is the written size.
function roundTrips<T>(t: import('ava').ExecutionContext, layout: ByteLayout<T>, message: T): void {
  const bytes = writeMessage(layout, message);
  t.is(measureMessage(layout, message), bytes.length);
  t.deepEqual(readMessage(layout, bytes), message);
}

const peer = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map((v) => v.toString(16));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const shortText = fc.string({ maxLength: 40 });
const textMap = fc.array(fc.tuple(shortText, fc.string({ maxLength: 300 })), { maxLength: 5 }).map((entries) => new Map(entries));

const sessionPacket: fc.Arbitrary<SessionPacket> = fc.oneof(
  fc.record({ type: fc.constant(SessionMessage.Add as const), idStart: u32, idCount: u32, peers: fc.array(peer, { maxLength: 8 }) }),
  fc.record({ type: fc.constant(SessionMessage.Members as const), peers: fc.array(peer, { maxLength: 8 }) }),
  fc.record({ type: fc.constantFrom(SessionMessage.Create as const, SessionMessage.Update as const), body: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ type: fc.constant(SessionMessage.Destroy as const), id: u32, by: peer }),
  fc.record({ type: fc.constantFrom(SessionMessage.SyncDone as const, SessionMessage.SyncAck as const, SessionMessage.IdRequest as const) }),
  fc.record({ type: fc.constant(SessionMessage.Leave as const), forced: fc.boolean() }),
  fc.record({ type: fc.constant(SessionMessage.Removed as const), reason: shortText }),
  fc.record({ type: fc.constant(SessionMessage.IdBlock as const), idStart: u32, idCount: u32 }),
  fc.record({ type: fc.constant(SessionMessage.Migrate as const), id: u32, owner: peer, old: peer }),
  fc.record({ type: fc.constant(SessionMessage.HostMigrate as const), successor: peer, nextBlockStart: u32, peers: fc.array(peer, { maxLength: 8 }) }),
);

const lobbyEnvelope: fc.Arbitrary<LobbyEnvelope> = fc.record({
  lobbyId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  message: fc.oneof(
    fc.record({ type: fc.constantFrom(LobbyMessageType.JoinRequest as const, LobbyMessageType.Leave as const) }),
    fc.record({ type: fc.constantFrom(LobbyMessageType.JoinDeny as const, LobbyMessageType.Kick as const), reason: shortText }),
    fc.record({ type: fc.constant(LobbyMessageType.MemberData as const), key: shortText, value: fc.string({ maxLength: 300 }) }),
    fc.record({
      type: fc.constant(LobbyMessageType.Snapshot as const),
      lobbyPort: fc.integer({ min: 0, max: 65535 }),
      maxMembers: fc.integer({ min: 0, max: 65535 }),
      sessionHost: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      members: fc.array(fc.record({ peer: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }), address: shortText, data: textMap }), { maxLength: 4 }),
      data: textMap,
    }),
  ),
});

const channelMessage: fc.Arbitrary<ChannelMessage> = fc.oneof(
  fc.record({ type: fc.constant(ChannelMessageType.Open as const), wireId: fc.integer({ min: 0, max: 2 ** 28 - 1 }), lobbyId: shortText, message: fc.string({ maxLength: 300 }) }),
  fc.record({
    type: fc.constantFrom(ChannelMessageType.Accept as const, ChannelMessageType.Deny as const, ChannelMessageType.Close as const, ChannelMessageType.CloseConfirm as const),
    senderOpened: fc.boolean(),
    wireId: fc.integer({ min: 0, max: 2 ** 28 - 1 }),
    reason: shortText,
  }),
);

test('session, lobby and channel messages read back as written, and measure what they write (property)', (t) => {
  fc.assert(fc.property(sessionPacket, (m) => roundTrips(t, sessionMessageLayout, m)));
  fc.assert(fc.property(lobbyEnvelope, (m) => roundTrips(t, lobbyEnvelopeLayout, m)));
  fc.assert(fc.property(channelMessage, (m) => roundTrips(t, channelMessageLayout, m)));
});

test('a message cut short, with bytes left over, or of an unknown type is malformed', (t) => {
  const removed = writeMessage(sessionMessageLayout, { type: SessionMessage.Removed, reason: 'bye' });
  t.throws(() => readMessage(sessionMessageLayout, removed.subarray(0, removed.length - 1)), { instanceOf: MalformedError, message: /truncated/ });
  t.throws(() => readMessage(sessionMessageLayout, Uint8Array.of(...removed, 0)), { instanceOf: MalformedError, message: /1 unexpected bytes/ });
  t.throws(() => readMessage(sessionMessageLayout, Uint8Array.of(99)), { instanceOf: MalformedError, message: /unknown session message 99/ });
  t.throws(() => readMessage(lobbyEnvelopeLayout, Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 0)), { instanceOf: MalformedError, message: /unknown lobby message 9/ });
  t.throws(() => readMessage(channelMessageLayout, Uint8Array.of(7)), { instanceOf: MalformedError, message: /unknown channel message 7/ });
});
