import test from 'ava';
import fc from 'fast-check';
import { decodeDiscovery, encodeDiscoveryQuery, encodeDiscoveryReply } from '../src/core/lobby/lan_discovery.js';
import {
  DataPacketBuilder,
  decodePacket,
  DenyReason,
  encodeConnectAccept,
  encodeConnectChallenge,
  encodeConnectDeny,
  encodeConnectRequest,
  encodeDisconnect,
  PacketError,
  RecordKind,
} from '../src/core/transport/packet.js';
import { sequenceDistance, sequenceNewer, sequenceNext } from '../src/core/transport/sequence_number.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// The golden vectors of docs/protocol.md: changing the wire format breaks these on purpose.
const GOLDEN = {
  connectRequest: '0153524e35a100000000000000b200000000000000776655443322110004030201' + '0102030405060708' + '00'.repeat(23),
  connectChallenge: '0753524e35040302010102030405060708',
  connectAccept: '0253524e35b200000000000000a10000000000000004030201',
  connectDeny: '0353524e35b20000000000000004030201' + '05',
  disconnect: '05efbe03627965',
  data: '84efbe0500021807000102030d04120909',
  dataLongRecord: '0cefbebc026400fefa09' + 'ab'.repeat(40),
  discoveryQuery: '0653524e350144332211',
  discoveryReply: '0653524e350244332211bc0a000000000000a00fa100000000000000040002000104686f7374026131',
};

test('handshake and disconnect packets encode to the documented bytes and decode back', (t) => {
  const cookie = bytes('0102030405060708');
  t.is(hex(encodeConnectRequest({ from: 0xa1n, to: 0xb2n, configHash: 0x0011223344556677n, salt: 0x01020304, cookie })), GOLDEN.connectRequest);
  t.deepEqual(decodePacket(bytes(GOLDEN.connectRequest)), { type: 1, from: 0xa1n, to: 0xb2n, configHash: 0x0011223344556677n, salt: 0x01020304, cookie });
  t.is(hex(encodeConnectChallenge({ salt: 0x01020304, cookie })), GOLDEN.connectChallenge);
  t.deepEqual(decodePacket(bytes(GOLDEN.connectChallenge)), { type: 7, salt: 0x01020304, cookie });
  t.throws(() => decodePacket(bytes(GOLDEN.connectRequest.slice(0, -2))), { message: /connect request of 63 bytes \(padded to 64\)/ }, 'an unpadded request gets no answer');
  t.is(hex(encodeConnectAccept({ from: 0xb2n, to: 0xa1n, salt: 0x01020304 })), GOLDEN.connectAccept);
  t.deepEqual(decodePacket(bytes(GOLDEN.connectAccept)), { type: 2, from: 0xb2n, to: 0xa1n, salt: 0x01020304 });
  t.is(hex(encodeConnectDeny({ from: 0xb2n, salt: 0x01020304, reason: DenyReason.Full })), GOLDEN.connectDeny);
  t.deepEqual(decodePacket(bytes(GOLDEN.connectDeny)), { type: 3, from: 0xb2n, salt: 0x01020304, reason: DenyReason.Full });
  t.is(hex(encodeDisconnect(0xbeef, 'bye')), GOLDEN.disconnect);
  t.deepEqual(decodePacket(bytes(GOLDEN.disconnect)), { type: 5, epoch: 0xbeef, reason: 'bye' });
});

test('data packets: compact ack, reliable ids that follow cost nothing, fragments, long records', (t) => {
  const b = new DataPacketBuilder(1200, 0xbeef, 5, 3, 0xffffffff);
  b.add(RecordKind.Reliable, 7, false, new Uint8Array([1, 2, 3]));
  b.add(RecordKind.Reliable, 8, true, new Uint8Array([4]));
  b.add(RecordKind.Unreliable, 0, false, new Uint8Array([9, 9]));
  t.is(hex(b.finish()), GOLDEN.data);
  t.deepEqual(decodePacket(bytes(GOLDEN.data)), {
    type: 4,
    epoch: 0xbeef,
    sequence: 5,
    ack: 3,
    ackBits: 0xffffffff,
    records: [
      { kind: RecordKind.Reliable, id: 7, more: false, body: new Uint8Array([1, 2, 3]) },
      { kind: RecordKind.Reliable, id: 8, more: true, body: new Uint8Array([4]) },
      { kind: RecordKind.Unreliable, id: 0, more: false, body: new Uint8Array([9, 9]) },
    ],
  });
  const c = new DataPacketBuilder(1200, 0xbeef, 700, 100, 0xfffffffe);
  c.add(RecordKind.Unreliable, 0, false, new Uint8Array(40).fill(0xab));
  t.is(hex(c.finish()), GOLDEN.dataLongRecord);
  const decoded = decodePacket(bytes(GOLDEN.dataLongRecord));
  t.like(decoded, { type: 4, epoch: 0xbeef, sequence: 700, ack: 100, ackBits: 0xfffffffe });
  // Steady state: a packet with nothing lost costs 6 bytes of header.
  t.is(new DataPacketBuilder(1200, 1, 10, 9, 0xffffffff).finish().length, 6);
});

test('LAN discovery datagrams encode to the documented bytes and decode back', (t) => {
  t.is(hex(encodeDiscoveryQuery(0x11223344)), GOLDEN.discoveryQuery);
  t.deepEqual(decodeDiscovery(bytes(GOLDEN.discoveryQuery)), { kind: 'query', nonce: 0x11223344 });
  const reply = { nonce: 0x11223344, lobbyId: 0xabcn, gamePort: 4000, owner: 0xa1n, maxMembers: 4, members: 2, data: new Map([['host', 'a1']]) };
  t.is(hex(encodeDiscoveryReply(reply)), GOLDEN.discoveryReply);
  t.deepEqual(decodeDiscovery(bytes(GOLDEN.discoveryReply)), { kind: 'reply', ...reply });
});

test('any data packet the builder makes decodes to the same records (property)', (t) => {
  const record = fc.record({ reliable: fc.boolean(), more: fc.boolean(), body: fc.uint8Array({ maxLength: 300 }) });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 0xffffffff }), fc.array(record, { maxLength: 6 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), (sequence, ack, ackBits, records, firstId, epoch) => {
      const b = new DataPacketBuilder(4096, epoch, sequence, ack, ackBits);
      let id = firstId;
      const expected = records.map((r) => {
        const kind = r.reliable ? RecordKind.Reliable : RecordKind.Unreliable;
        const recordId = r.reliable ? id : 0;
        if (r.reliable) id = sequenceNext(id, 1 + (r.body.length % 2));
        const more = r.reliable && r.more;
        b.add(kind, recordId, more, r.body);
        return { kind, id: recordId, more, body: r.body };
      });
      const packet = decodePacket(b.finish());
      return packet.type === 4 && packet.epoch === epoch && packet.sequence === sequence && packet.ack === ack && packet.ackBits === ackBits >>> 0 && JSON.stringify(packet.records) === JSON.stringify(expected);
    }),
  );
  t.pass();
});

test('random and mutated datagrams decode or throw PacketError, never anything else (property)', (t) => {
  const decodes = (data: Uint8Array): boolean => {
    try {
      decodePacket(data);
      return true;
    } catch (error) {
      return error instanceof PacketError;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), decodes), { numRuns: 5000 });
  const valid = Object.values(GOLDEN).map(bytes);
  fc.assert(
    fc.property(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (base, flips, cut) => {
      const data = base.slice(0, Math.max(0, base.length - (cut % 4)));
      for (const [at, value] of flips) if (data.length > 0) data[at % data.length] = value;
      return decodes(data);
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

test('16-bit sequence numbers wrap around (property)', (t) => {
  const seq = fc.integer({ min: 0, max: 65535 });
  fc.assert(
    fc.property(seq, fc.integer({ min: 1, max: 32767 }), (a, step) => {
      const b = sequenceNext(a, step);
      return sequenceNewer(b, a) && !sequenceNewer(a, b) && sequenceDistance(b, a) === step && sequenceDistance(a, b) === -step;
    }),
  );
  t.true(sequenceNewer(0, 65535));
  t.is(sequenceNext(65535), 0);
});
