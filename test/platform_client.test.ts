import test, { type ExecutionContext } from 'ava';
import net from 'node:net';
import path from 'node:path';
import { LineReader, type Answer, type LobbyView } from '../src/core/platform/platform_protocol.js';
import { PlatformLobby } from '../src/core/platform/platform_lobby.js';
import type { PlatformClient } from '../src/core/platform/platform_client.js';
import { runCli, tempProject } from './helpers/lua.js';
import { STEAM_CONFIG } from './helpers/platform.js';

/** A Steam client that creates a lobby and prints its state (and fatal_error) when it changes; errors from Network.update are printed, not raised. */
const SCRIPT = `
frame = 0
function init() client = Network.init_steam_client("global") lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4) end
function update(dt)
  frame = frame + 1
  local ok, err = pcall(Network.update, dt, {})
  if not ok then print("update error", err) end
  local state, why = lobby:state()
  local line = state .. (why and (" (" .. why .. ")") or "") .. " fatal_error=" .. tostring(Network.fatal_error())
  if line ~= last then print(line) last = line end
  -- Failed or joined is final: no need to wait out the frames.
  if state == "failed" or state == "joined" then Application.quit() end
end
`;

/** A stand-in for the platform service on loopback that answers each request line with what `answer` returns. */
async function fakeService(t: ExecutionContext, answer: (request: Request) => string[]): Promise<string> {
  const server = net.createServer((socket) => {
    const lines = new LineReader();
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => lines.push(chunk, (line) => socket.write(answer(JSON.parse(line) as Request).join(''))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** Run SCRIPT against the service at `address` for at most `frames` realtime frames (it ends at a failure). */
async function runAgainst(address: string, frames = 45): Promise<string[]> {
  const dir = tempProject({ 'global.network_config': STEAM_CONFIG, 'client.lua': SCRIPT });
  const result = await runCli(['run', path.join(dir, 'client.lua'), '--realtime', '--frames', String(frames), '--platform', address]);
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  // What the script printed (the network's own warnings left out).
  return result.stdout.trim().split('\n').filter((l) => !l.startsWith('[network] '));
}

interface Request {
  id: number;
  op: string;
  user?: string;
  host?: string;
  port?: number;
}

const line = (message: object): string => JSON.stringify(message) + '\n';
const LOBBY = { id: '186000000000001', kind: 'steam_lobby', type: 'public', name: '', maxMembers: 4, data: {}, gameSessionHost: null };

test('a service that answers a create without the lobby: Network.update raises no error, the lobby is not joined', async (t) => {
  const address = await fakeService(t, (request) => [line({ re: request.id, ok: true })]);
  const lines = await runAgainst(address);
  t.deepEqual(
    lines.filter((l) => l.startsWith('update error')),
    [],
  );
  t.false(lines.some((l) => l.startsWith('joined')), lines.join('\n'));
});

test('garbage lines and unknown pushes from the service are dropped; the answers around them still work', async (t) => {
  let user = { peer: '', address: '', name: 'me' };
  const address = await fakeService(t, (request) => {
    if (request.op === 'hello') user = { peer: request.user!, address: `${request.host}:${request.port}`, name: 'me' };
    const answer = request.op === 'hello' ? { re: request.id, ok: true } : { re: request.id, ok: true, lobby: { ...LOBBY, owner: user.peer, members: [user] } };
    return ['not json\n', line({ push: 'weather', sky: 'grey' }), line({ re: 999, ok: true }), line({ re: request.id, ok: 'yes' }), line(answer)];
  });
  // It ends once joined: up to 20 s to get there on a loaded machine.
  t.deepEqual(await runAgainst(address, 600), ['creating fatal_error=false', 'joined fatal_error=false']);
});

test('a service that refuses the sign-in: Network.fatal_error() is true and the lobby fails with its reason', async (t) => {
  const address = await fakeService(t, (request) => [line({ re: request.id, ok: false, code: request.op === 'hello' ? 'taken' : 'not_signed_in', error: request.op === 'hello' ? 'user taken' : 'sign in first' })]);
  const lines = await runAgainst(address, 600);
  t.is(lines[0], 'creating fatal_error=false');
  t.regex(lines.at(-1)!, /^failed \((user taken|sign in first)\) fatal_error=true$/, lines.join('\n'));
});

test('a service that sends a line over 1 MiB is dropped: fatal_error() true, the lobby fails saying why', async (t) => {
  const address = await fakeService(t, (request) => (request.op === 'hello' ? [line({ re: request.id, ok: true }), 'x'.repeat((1 << 20) + 10)] : []));
  // A loaded machine may take a while to move a megabyte: up to 20 s, ending at the failure.
  const lines = await runAgainst(address, 600);
  t.deepEqual(lines, ['creating fatal_error=false', 'failed (the platform service sent a message over 1048576 bytes) fatal_error=true']);
});

test('an owner\'s changes answered one at a time: the answer to the first does not undo the second, still on its way', (t) => {
  // A stand-in client whose requests wait until the test answers them.
  const waiting: ((answer: Answer) => void)[] = [];
  const client = {
    peerId: 'a1',
    lobbies: new Set<PlatformLobby>(),
    nodeOf: { addresses: new Map(), host: undefined },
    request: (_message: unknown, onAnswer: (answer: Answer) => void) => void waiting.push(onAnswer),
    share: () => undefined,
  } as unknown as PlatformClient;
  const view = (fields: Partial<LobbyView>): LobbyView => ({ ...LOBBY, owner: 'a1', members: [{ peer: 'a1', address: '', name: 'me' }], ...fields }) as LobbyView;
  const lobby = new PlatformLobby(client, 'SteamLobby', { op: 'create', lobby: { kind: 'steam_lobby', type: 'public', maxMembers: 4, name: '', data: {} } });
  waiting.shift()!({ re: 1, ok: true, lobby: view({}) });
  lobby.setData({ mode: 'coop' }, 'SteamLobby.set_data');
  lobby.setGameSessionHost('a1', 'SteamLobby.set_game_session_host');
  // The service answers the data change with the lobby as it was before the second change.
  waiting.shift()!({ re: 2, ok: true, lobby: view({ data: { mode: 'coop' } }) });
  t.is(lobby.view?.gameSessionHost, 'a1');
  waiting.shift()!({ re: 3, ok: true, lobby: view({ data: { mode: 'coop' }, gameSessionHost: 'a1' }) });
  t.is(lobby.view?.gameSessionHost, 'a1');
  t.is(lobby.data('mode'), 'coop');
});
