import test from 'ava';
import { DirectLink } from '../src/core/platform/platform_link.js';
import type { Answer, Failure, LobbyView, Outgoing, Platform, Push, ServiceMessage, Success } from '../src/core/platform/platform_protocol.js';
import { MAX_LOBBIES_PER_USER, PlatformService } from '../src/core/platform/platform_service.js';
import { MAX_REMEMBERED_USERS, MAX_XUIDS_PER_USER, PlatformAccounts } from '../src/core/platform/platform_accounts.js';
import { TEST_SECRET } from './helpers/platform.js';

/** A client of the service through a DirectLink: every answer returned, pushes kept in order. */
class Client {
  readonly link: DirectLink;
  readonly pushes: Push[] = [];

  constructor(readonly service: PlatformService) {
    this.link = new DirectLink(service);
  }

  ask(request: Outgoing): Answer {
    const id = this.link.request(request);
    let answer: Answer | undefined;
    for (const message of this.link.receive()) {
      if (!('re' in message)) this.pushes.push(message);
      else if (message.re === id) answer = message;
    }
    if (!answer) throw new Error(`no answer to ${JSON.stringify(request)}`);
    return answer;
  }

  ok(request: Outgoing): Success {
    const answer = this.ask(request);
    if (!answer.ok) throw new Error(`${request.op} refused: ${answer.code} ${answer.error}`);
    return answer;
  }

  refused(request: Outgoing): Pick<Failure, 'code' | 'error'> {
    const answer = this.ask(request);
    if (answer.ok) throw new Error(`${request.op} answered ok`);
    return { code: answer.code, error: answer.error };
  }

  /** Pushes that arrived since the last look. */
  takePushes(): Push[] {
    for (const message of this.link.receive()) if (!('re' in message)) this.pushes.push(message);
    return this.pushes.splice(0);
  }
}

/** This test's process signs in with SECRET; OTHER_PROCESS is another process's secret. */
const SECRET = TEST_SECRET;
const OTHER_PROCESS = 'b2'.repeat(16);

function signedIn(service: PlatformService, user: string, platform: Platform = 'steam', port = 5000, secret = SECRET): Client {
  const client = new Client(service);
  client.ok({ op: 'hello', platform, user, secret, host: '127.0.0.1', port, name: `user ${user}` });
  return client;
}

const steamLobby = (maxMembers = 4, type: 'public' | 'private' | 'friends_only' | 'invisible' = 'public', data: Record<string, string> = {}): Outgoing => ({
  op: 'create',
  lobby: { kind: 'steam_lobby', type, maxMembers, name: '', data },
});

const find = (query: Partial<{ filters: { key: string; value: string; comparison: 'equal' | 'less' | 'greater' | 'not_equal' | 'less_or_equal' | 'greater_or_equal' }[]; near: { key: string; value: number }[]; slots: number; limit: number }> = {}): Outgoing => ({
  op: 'find',
  query: { kind: 'steam_lobby', filters: [], near: [], slots: 0, limit: 50, ...query },
});

const A = '110000100000001';
const B = '110000100000002';
const C = '110000100000003';

test('hello: a user id signed in elsewhere is taken; signing in twice on one connection is a bad request; once its user signs out, the id signs in again only with the same process secret', (t) => {
  const service = new PlatformService();
  const first = signedIn(service, A);
  t.deepEqual(new Client(service).refused({ op: 'hello', platform: 'steam', user: A, secret: SECRET, host: '127.0.0.1', port: 6000, name: 'again' }), {
    code: 'taken',
    error: `user ${A} is already signed in`,
  });
  t.deepEqual(first.refused({ op: 'hello', platform: 'steam', user: B, secret: SECRET, host: '127.0.0.1', port: 6000, name: 'b' }), { code: 'bad_request', error: `already signed in as ${A}` });
  first.link.close();
  const intruder = new Client(service);
  t.deepEqual(intruder.refused({ op: 'hello', platform: 'steam', user: A, secret: OTHER_PROCESS, host: '127.0.0.1', port: 6000, name: 'intruder' }), {
    code: 'taken',
    error: `user ${A} belongs to another process (its secret does not match)`,
  });
  t.notThrows(() => signedIn(service, A), 'the process that signed out signs in again');
  t.notThrows(() => signedIn(service, C, 'steam', 5000, OTHER_PROCESS), 'the refused process signs in as a user of its own');
  t.is(service.malformedRequests, 0, 'refusals of well-formed requests are not malformed');
});

test('xuids stay their console\'s after it signs out: another process cannot claim them, the console can again', (t) => {
  const service = new PlatformService();
  const consoleA = signedIn(service, A, 'xbox');
  consoleA.ok({ op: 'presence', xuid: 'x-alice', presence: 'menu', active: true });
  consoleA.link.close();
  const intruder = signedIn(service, B, 'xbox', 5000, OTHER_PROCESS);
  t.deepEqual(intruder.refused({ op: 'presence', xuid: 'x-alice', presence: 'spoofed', active: true }), { code: 'taken', error: `xuid x-alice belongs to ${A}` });
  t.notThrows(() => signedIn(service, A, 'xbox').ok({ op: 'presence', xuid: 'x-alice', presence: 'back', active: true }));
});

test('every operation before hello is refused as not_signed_in, naming it', (t) => {
  const service = new PlatformService();
  const client = new Client(service);
  const requests: Outgoing[] = [
    steamLobby(),
    { op: 'join', lobby: '186000000000001' },
    { op: 'join_server', address: '127.0.0.1:27016' },
    { op: 'leave', lobby: '186000000000001' },
    { op: 'update', lobby: '186000000000001', data: { a: 'b' } },
    find(),
    { op: 'lookup', lobby: '186000000000001' },
    { op: 'resolve', user: A },
  ];
  for (const request of requests) t.deepEqual(client.refused(request), { code: 'not_signed_in', error: `sign in first (hello), then ${request.op}` });
  t.is(service.malformedRequests, 0);
});

test('malformed lines are answered bad_request naming the field, each counted in malformedRequests', (t) => {
  const service = new PlatformService();
  const answers: ServiceMessage[] = [];
  const connection = service.connect((message) => answers.push(message));
  const lobby = '"lobby":{"kind":"steam_lobby","type":"public","maxMembers":4,"name":"","data":{}}';
  const cases: [line: string, re: number, error: string | RegExp][] = [
    ['not json', -1, /^not JSON: /],
    ['', -1, /^not JSON: /],
    ['[1,2]', -1, 'request: an object expected'],
    ['null', -1, 'request: an object expected'],
    ['{"op":"hello"}', -1, 'request.id: an integer in 0..9007199254740991 expected'],
    ['{"id":1.5,"op":"hello"}', 1.5, 'request.id: an integer in 0..9007199254740991 expected'],
    ['{"id":2}', 2, 'request.op: a string expected'],
    ['{"id":3,"op":"dance"}', 3, "request.op: unknown operation 'dance'"],
    ['{"id":4,"op":"hello","platform":"steam"}', 4, 'request hello.user: a string expected'],
    ['{"id":5,"op":"hello","platform":"amiga","user":"1","host":"h","port":1,"name":"n"}', 5, 'request hello.platform: one of steam, psn, xbox, steam_server expected'],
    ['{"id":6,"op":"hello","platform":"steam","user":"0","host":"h","port":1,"name":"n"}', 6, 'request hello.user: a non-zero 64-bit hex id expected'],
    [`{"id":7,"op":"hello","platform":"steam","user":"a1","secret":"${'5'.repeat(32)}","host":"h","port":70000,"name":"n"}`, 7, 'request hello.port: an integer in 1..65535 expected'],
    ['{"id":8,"op":"create","lobby":{"kind":"steam_lobby","type":"public","maxMembers":0,"name":"","data":{}}}', 8, 'request create.lobby.maxMembers: an integer in 1..65535 expected'],
    ['{"id":9,"op":"create","lobby":{"kind":"steam_lobby","type":"public","maxMembers":4,"name":"","data":{"level":3}}}', 9, 'request create.lobby.data.level: a string expected'],
    [`{"id":10,"op":"create","lobby":{"kind":"steam_lobby","type":"public","maxMembers":4,"name":"","data":{"big":"${'x'.repeat(70000)}"}}}`, 10, 'request create.lobby.data: more than 65536 characters of data'],
    ['{"id":11,"op":"create","lobby":{"kind":"steam_server","type":"public","maxMembers":4,"name":"","data":{}}}', 11, 'request create.lobby.server: an object expected'],
    ['{"id":12,"op":"find","query":{"kind":"steam_lobby","filters":[{"key":"a","value":"1","comparison":"about"}],"near":[],"slots":0,"limit":5}}', 12, 'request find.query.filters.0.comparison: one of equal, not_equal, less, less_or_equal, greater, greater_or_equal expected'],
    ['{"id":13,"op":"find","query":{"kind":"steam_lobby","filters":[],"near":[{"key":"a","value":"1"}],"slots":0,"limit":5}}', 13, 'request find.query.near.0.value: a number expected'],
    ['{"id":14,"op":"find","query":{"kind":"steam_lobby","filters":[],"near":[],"slots":0,"limit":0}}', 14, 'request find.query.limit: an integer in 1..1000 expected'],
    ['{"id":15,"op":"update","lobby":"1","gameSessionHost":"zz"}', 15, 'request update.gameSessionHost: a non-zero 64-bit hex id expected'],
    [`{"id":16,"op":"join","lobby":"${'1'.repeat(65)}"}`, 16, 'request join.lobby: longer than 64 characters'],
    [`{"id":17,"op":"create",${lobby},"xuid":7}`, 17, 'request create.xuid: a string expected'],
    ['{"id":18,"op":"hello","platform":"steam","user":"a1","secret":"not hex","host":"h","port":1,"name":"n"}', 18, 'request hello.secret: 32 to 64 hex digits expected'],
  ];
  for (const [line, re, error] of cases) {
    answers.length = 0;
    service.receive(connection, line);
    t.is(answers.length, 1, line.slice(0, 80));
    const answer = answers[0] as Failure;
    t.like(answer, { re, ok: false, code: 'bad_request' }, line.slice(0, 80));
    if (typeof error === 'string') t.is(answer.error, error, line.slice(0, 80));
    else t.regex(answer.error, error, line.slice(0, 80));
  }
  t.is(service.malformedRequests, cases.length);
  // A well-formed request on the same connection still works.
  answers.length = 0;
  service.receive(connection, JSON.stringify({ id: 99, op: 'hello', platform: 'steam', user: A, secret: SECRET, host: '127.0.0.1', port: 5000, name: 'a' }));
  t.deepEqual(answers, [{ re: 99, ok: true }]);
  t.is(service.malformedRequests, cases.length);
});

test('lobbies: the creator is the host and the host key names it; a member joining is pushed to the others; the host leaving hands the lobby to the longest-present member; the last one leaving ends it', (t) => {
  const service = new PlatformService();
  const [a, b, c] = [signedIn(service, A, 'steam', 5001), signedIn(service, B, 'steam', 5002), signedIn(service, C, 'steam', 5003)];
  const created = a.ok(steamLobby(3, 'public', { mode: 'ffa' })).lobby!;
  t.regex(created.id, /^186[0-9a-f]{12}$/, 'a Steam lobby id');
  t.like(created, { kind: 'steam_lobby', owner: A, maxMembers: 3, data: { mode: 'ffa', host: A }, gameSessionHost: null });
  t.deepEqual(created.members, [{ peer: A, address: '127.0.0.1:5001', name: `user ${A}` }]);
  t.deepEqual(b.ok({ op: 'join', lobby: created.id }).lobby!.members.map((m) => m.peer), [A, B]);
  t.deepEqual(c.ok({ op: 'join', lobby: created.id.toUpperCase() }).lobby!.members.map((m) => m.peer), [A, B, C], 'lobby ids in any case');
  t.deepEqual(
    a.takePushes().map((p) => p.push === 'lobby' && p.lobby.members.length),
    [2, 3],
  );
  t.deepEqual(b.refused({ op: 'update', lobby: created.id, data: { mode: 'duel' } }), { code: 'not_owner', error: `only the host of lobby ${created.id} (${A}) can change it` });
  a.ok({ op: 'leave', lobby: created.id });
  const seen = (client: Client): LobbyView => {
    const pushed = client.takePushes().filter((p): p is Extract<Push, { push: 'lobby' }> => p.push === 'lobby');
    return pushed.at(-1)!.lobby;
  };
  for (const client of [b, c]) t.like(seen(client), { owner: B, data: { host: B, mode: 'ffa' } });
  t.deepEqual(a.refused({ op: 'leave', lobby: created.id }), { code: 'not_member', error: `${A} is not in lobby ${created.id}` });
  t.like(b.ok({ op: 'update', lobby: created.id, data: { mode: 'duel' } }).lobby, { owner: B, data: { mode: 'duel', host: B } });
  // Signing out (the connection closing) leaves too.
  b.link.close();
  t.like(seen(c), { owner: C, data: { host: C }, members: [{ peer: C }] });
  c.ok({ op: 'leave', lobby: created.id });
  t.deepEqual(a.refused({ op: 'lookup', lobby: created.id }), { code: 'no_lobby', error: `no Steam lobby ${created.id}` });
});

test('one user is in at most MAX_LOBBIES_PER_USER lobbies: more creates or joins are refused until it leaves one', (t) => {
  const service = new PlatformService();
  const a = signedIn(service, A);
  const b = signedIn(service, B);
  const created = Array.from({ length: MAX_LOBBIES_PER_USER }, () => a.ok(steamLobby()).lobby!.id);
  t.deepEqual(a.refused(steamLobby()), { code: 'full', error: `${A} is in ${MAX_LOBBIES_PER_USER} lobbies already; leave one first` });
  const other = b.ok(steamLobby()).lobby!.id;
  t.is(a.refused({ op: 'join', lobby: other }).code, 'full');
  a.ok({ op: 'leave', lobby: created[0]! });
  t.is(a.ok({ op: 'join', lobby: other }).lobby!.members.length, 2);
});

test('a lobby refuses members beyond its maximum; a failed join changes nothing', (t) => {
  const service = new PlatformService();
  const [a, b, c] = [signedIn(service, A), signedIn(service, B), signedIn(service, C)];
  const id = a.ok(steamLobby(2)).lobby!.id;
  b.ok({ op: 'join', lobby: id });
  t.deepEqual(c.refused({ op: 'join', lobby: id }), { code: 'full', error: `Steam lobby ${id} is full (2 members)` });
  t.deepEqual(c.ok({ op: 'lookup', lobby: id }).lobby!.members.map((m) => m.peer), [A, B]);
  t.deepEqual(b.ok({ op: 'join', lobby: id }).lobby!.members.map((m) => m.peer), [A, B], 'joining again is not a second place');
});

test('find: only public and invisible lobbies, with enough free slots, passing every filter, sorted near a value, at most the limit', (t) => {
  const service = new PlatformService();
  const host = (peer: string, type: 'public' | 'private' | 'friends_only' | 'invisible', maxMembers: number, level: string) =>
    signedIn(service, peer).ok(steamLobby(maxMembers, type, { level, name: `${type} ${level}` })).lobby!.id;
  const ids = {
    public5: host('a1', 'public', 4, '5'),
    private: host('a2', 'private', 4, '5'),
    friends: host('a3', 'friends_only', 4, '5'),
    invisible9: host('a4', 'invisible', 4, '9'),
    public10: host('a5', 'public', 2, '10'),
  };
  const browser = signedIn(service, 'b1');
  const names = (query: Parameters<typeof find>[0]) => browser.ok(find(query)).lobbies!.map((l) => l.data.name);
  t.deepEqual(names({}), ['public 5', 'invisible 9', 'public 10']);
  t.deepEqual(names({ filters: [{ key: 'level', value: '9', comparison: 'less' }] }), ['public 5'], 'numbers compare as numbers ("10" > "9")');
  t.deepEqual(names({ filters: [{ key: 'level', value: '9', comparison: 'greater_or_equal' }] }), ['invisible 9', 'public 10']);
  t.deepEqual(names({ filters: [{ key: 'level', value: '5', comparison: 'not_equal' }, { key: 'level', value: '10', comparison: 'less_or_equal' }] }), ['invisible 9', 'public 10']);
  t.deepEqual(names({ filters: [{ key: 'missing', value: '1', comparison: 'equal' }] }), []);
  t.deepEqual(names({ filters: [{ key: 'missing', value: '1', comparison: 'not_equal' }] }), ['public 5', 'invisible 9', 'public 10'], 'a missing key is only not equal');
  t.deepEqual(names({ near: [{ key: 'level', value: 10 }] }), ['public 10', 'invisible 9', 'public 5']);
  t.deepEqual(names({ slots: 2 }), ['public 5', 'invisible 9'], 'the lobby for 2 has 1 free slot');
  t.deepEqual(names({ limit: 2 }), ['public 5', 'invisible 9']);
  t.deepEqual(browser.refused({ op: 'find', query: { kind: 'psn_room', filters: [], near: [], slots: 0, limit: 5 } }), { code: 'bad_request', error: 'a steam user cannot browse psn_rooms' });
  // Unlisted lobbies are still joined by id.
  t.like(browser.ok({ op: 'join', lobby: ids.private }).lobby, { type: 'private' });
  t.like(browser.ok({ op: 'join', lobby: ids.friends }).lobby, { type: 'friends_only' });
});

test('lobby data keys that name JavaScript object members are data like any other: a filter on "constructor" is answered, not thrown', (t) => {
  const service = new PlatformService();
  const a = signedIn(service, A);
  a.ok(steamLobby(4, 'public', { mode: 'ffa' }));
  for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    let answer: Answer | undefined;
    t.notThrows(() => (answer = a.ask(find({ filters: [{ key, value: 'x', comparison: 'equal' }] }))), `filter on ${key}`);
    t.deepEqual(answer?.ok && answer.lobbies, [], `no lobby has a '${key}' key`);
  }
});

test('a lobby data key "__proto__" is kept like any other key', (t) => {
  const service = new PlatformService();
  const a = signedIn(service, A);
  const answers: ServiceMessage[] = [];
  const connection = service.connect((message) => answers.push(message));
  service.receive(connection, JSON.stringify({ id: 1, op: 'hello', platform: 'steam', user: B, secret: SECRET, host: '127.0.0.1', port: 5000, name: 'b' }));
  service.receive(connection, '{"id":2,"op":"create","lobby":{"kind":"steam_lobby","type":"public","maxMembers":4,"name":"","data":{"__proto__":"x","mode":"ffa"}}}');
  const id = (answers[1] as Success).lobby!.id;
  t.deepEqual(a.ok({ op: 'lookup', lobby: id }).lobby!.data, JSON.parse(`{"__proto__":"x","mode":"ffa","host":"${B}"}`));
});

test('Steam game servers: joined by query address with the password, refused when full, with a wrong or missing password, or when none answers there', (t) => {
  const service = new PlatformService();
  const server = signedIn(service, '140000000000001', 'steam_server', 27015);
  const info = { queryAddress: '0.0.0.0:27016', gameAddress: '', map: 'dm1', gameDescription: 'Arena', gamedir: 'game', version: '7', dedicated: true, tags: '', password: true, appId: 0, bots: 0 };
  const listing = server.ok({ op: 'create', lobby: { kind: 'steam_server', type: 'public', maxMembers: 1, name: 'arena', data: {}, server: info, password: 'secret' } }).lobby!;
  t.like(listing, { id: '140000000000001', owner: '140000000000001', members: [], server: { queryAddress: '127.0.0.1:27016', gameAddress: '127.0.0.1:27015', password: true } });
  t.false('password' in listing, 'the password never leaves the service');
  const [a, b] = [signedIn(service, A), signedIn(service, B)];
  t.deepEqual(a.refused({ op: 'join_server', address: '127.0.0.1:27016' }), { code: 'wrong_password', error: 'game server arena needs a password' });
  t.deepEqual(a.refused({ op: 'join_server', address: '127.0.0.1:27016', password: 'Secret' }), { code: 'wrong_password', error: 'wrong password for game server arena' });
  t.deepEqual(a.refused({ op: 'join_server', address: '127.0.0.1:27017', password: 'secret' }), { code: 'no_server', error: 'no game server answers at 127.0.0.1:27017' });
  t.deepEqual(a.ok({ op: 'join_server', address: '127.0.0.1:27016', password: 'secret' }).lobby!.members.map((m) => m.peer), [A]);
  t.deepEqual(b.refused({ op: 'join_server', address: '127.0.0.1:27016', password: 'secret' }), { code: 'full', error: 'game server arena is full (1 members)' });
  t.like(server.takePushes().at(-1), { push: 'lobby', lobby: { members: [{ peer: A }] } });
  // The server drops the player: told so, and the slot is free.
  server.ok({ op: 'update', lobby: listing.id, removeMember: A });
  t.deepEqual(a.takePushes().at(-1), { push: 'removed', lobby: listing.id, reason: 'removed by the game server' });
  b.ok({ op: 'join_server', address: '127.0.0.1:27016', password: 'secret' });
  // A second server cannot answer at the same address; a player cannot host one.
  t.deepEqual(signedIn(service, '140000000000002', 'steam_server').refused({ op: 'create', lobby: { kind: 'steam_server', type: 'public', maxMembers: 1, name: 'two', data: {}, server: info } }), {
    code: 'taken',
    error: 'a game server already answers at 127.0.0.1:27016',
  });
  t.deepEqual(a.refused({ op: 'create', lobby: { kind: 'steam_server', type: 'public', maxMembers: 1, name: 'mine', data: {}, server: info } }), { code: 'bad_request', error: 'a steam user cannot create a steam_server' });
  // The server signing out ends its listing for its players.
  server.link.close();
  t.deepEqual(b.takePushes().at(-1), { push: 'removed', lobby: listing.id, reason: 'the game server shut down' });
  t.is(b.refused({ op: 'join_server', address: '127.0.0.1:27016', password: 'secret' }).code, 'no_server');
});

test('remembered users are bounded: past MAX_REMEMBERED_USERS the oldest sign-out is forgotten (its id and xuids free again); a signed-in user never is', (t) => {
  const accounts = new PlatformAccounts();
  const id = (i: number) => (0x110000100000000n + BigInt(i)).toString(16);
  t.is(accounts.signIn(id(0), SECRET), undefined);
  t.is(accounts.claimXuid(id(0), 'x-kept'), undefined, 'signed in throughout');
  t.is(accounts.signIn(id(1), SECRET), undefined);
  t.is(accounts.claimXuid(id(1), 'x-oldest'), undefined);
  accounts.signOut(id(1));
  for (let i = 2; i < MAX_REMEMBERED_USERS; i++) {
    accounts.signIn(id(i), SECRET);
    accounts.signOut(id(i));
  }
  t.is(accounts.remembered, MAX_REMEMBERED_USERS, 'at the bound nothing is forgotten yet');
  t.regex(accounts.signIn(id(1), OTHER_PROCESS) ?? '', /belongs to another process/);
  accounts.signIn(id(MAX_REMEMBERED_USERS), SECRET);
  t.is(accounts.remembered, MAX_REMEMBERED_USERS);
  t.is(accounts.xuidOwner('x-oldest'), undefined, 'the oldest sign-out and its xuid are forgotten');
  t.is(accounts.signIn(id(1), OTHER_PROCESS), undefined, 'so its id may be taken again');
  t.is(accounts.xuidOwner('x-kept'), id(0), 'the signed-in user is kept');
  t.is(accounts.signIn(id(0), OTHER_PROCESS), `user ${id(0)} is already signed in`);
});

test('one console claims at most MAX_XUIDS_PER_USER xuids; a refused claim changes nothing', (t) => {
  const service = new PlatformService();
  const console = signedIn(service, A, 'xbox');
  for (let i = 0; i < MAX_XUIDS_PER_USER; i++) console.ok({ op: 'presence', xuid: `x-${i}`, presence: 'menu', active: true });
  t.deepEqual(console.refused({ op: 'presence', xuid: 'x-one-more', presence: 'menu', active: true }), { code: 'taken', error: `${A} has ${MAX_XUIDS_PER_USER} xuids already` });
  t.notThrows(() => signedIn(service, B, 'xbox').ok({ op: 'presence', xuid: 'x-one-more', presence: 'menu', active: true }), 'the refused xuid was not claimed');
});
