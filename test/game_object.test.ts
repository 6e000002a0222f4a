import test from 'ava';
import fc from 'fast-check';
import { NetworkConfig } from '../src/core/config/network_config.js';
import { GameObject } from '../src/core/session/game_object.js';

const UNIT = new NetworkConfig(
  'unit',
  `reliable_send_buffer_size = 65536
   reliable_receive_buffer_size = 65536
   types = { health = { type = "int" min = 0 max = 100 } }
   objects = { unit = { fields = [ { name = "a" type = "health" } { name = "b" type = "health" } { name = "c" type = "health" } ] } }`,
).objects.get('unit')!;

const PEERS = ['a1', 'b2', 'c3', 'd4'];

/** What the replicator and the session do to an object's copies, in any order. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), peer: fc.constantFrom(...PEERS) }),
  fc.record({ kind: fc.constant('drop' as const), peer: fc.constantFrom(...PEERS) }),
  fc.record({ kind: fc.constant('dropAll' as const) }),
  fc.record({ kind: fc.constant('created' as const), peer: fc.constantFrom(...PEERS) }),
  fc.record({ kind: fc.constant('change' as const), field: fc.nat(2), except: fc.option(fc.constantFrom(...PEERS), { nil: undefined }) }),
  fc.record({ kind: fc.constant('fold' as const) }),
  fc.record({ kind: fc.constant('sent' as const), peer: fc.option(fc.constantFrom(...PEERS), { nil: undefined }) }),
  fc.record({ kind: fc.constant('clear' as const), peer: fc.constantFrom(...PEERS) }),
);

test('an object knows whether all its copies are in step (created, nothing of their own to send) without walking them, whatever happens to them', (t) => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const object = new GameObject(1, UNIT, 'e5', [0, 0, 0]);
      // A dropped copy whose creation is acknowledged later must not count.
      const dropped = new Map(PEERS.map((peer) => [peer, object.replicaFor(peer)]));
      object.dropReplicas();
      const copyOf = (peer: string) => object.replicas.find((r) => r.peer === peer) ?? dropped.get(peer)!;
      for (const s of steps) {
        if (s.kind === 'add') object.replicaFor(s.peer);
        else if (s.kind === 'drop') {
          if (object.replicas.some((r) => r.peer === s.peer)) dropped.set(s.peer, copyOf(s.peer));
          object.dropReplica(s.peer);
        } else if (s.kind === 'dropAll') {
          for (const replica of object.replicas) dropped.set(replica.peer, replica);
          object.dropReplicas();
        } else if (s.kind === 'created') copyOf(s.peer).markCreated();
        else if (s.kind === 'change') object.markDirty(s.field, s.except);
        else if (s.kind === 'fold') object.fold();
        else if (s.kind === 'sent') (s.peer === undefined ? object.shared : copyOf(s.peer)).sent(1);
        else copyOf(s.peer).clear();
        const walked = object.replicas.every((r) => r.created && r.dirtyCount === 0);
        if (object.copiesInStep !== walked) return false;
        if (object.replicaPeers !== object.replicas.map((r) => r.peer).join(',')) return false;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
