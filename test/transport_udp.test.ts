import test from 'ava';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { REPO_ROOT } from './helpers/lua.js';

const PEER = path.join(REPO_ROOT, 'test/fixtures/udp_peer.ts');

interface Report {
  done: boolean;
  peer?: string;
  received: number;
  inOrder: boolean;
  damaged: number;
  refused?: string;
  drops: Record<string, number>;
}

/** Start a peer process; resolves its port once listening, and its final report when it exits. */
function startPeer(args: string[]): { port: Promise<number>; report: Promise<Report> } {
  const child = spawn(process.execPath, ['--import=tsx', PEER, ...args], { cwd: REPO_ROOT });
  let out = '';
  let errors = '';
  let resolvePort: (port: number) => void;
  const port = new Promise<number>((resolve) => (resolvePort = resolve));
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const listening = /\{"listening":(\d+)\}/.exec(out);
    if (listening) resolvePort(Number(listening[1]));
  });
  child.stderr.on('data', (chunk) => (errors += chunk));
  const report = new Promise<Report>((resolve, reject) => {
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.includes('"done"'));
      if (line) resolve(JSON.parse(line) as Report);
      else reject(new Error(`peer ${args[0]} printed no report: ${out}\n${errors}`));
    });
  });
  return { port, report };
}

test('two processes over UDP: handshake, then messages complete and in order both ways; a spoofed datagram is dropped and counted', async (t) => {
  const listener = startPeer(['a1', '00112233445566aa', '300']);
  const port = await listener.port;
  // A third party throws garbage at the listener.
  const stranger = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => stranger.send(Buffer.from([0x04, 0, 0, 0, 0, 0]), port, '127.0.0.1', () => resolve()));
  stranger.close();
  const connector = startPeer(['b2', '00112233445566aa', '300', String(port)]);
  const [a, b] = await Promise.all([listener.report, connector.report]);
  t.like(a, { peer: 'b2', received: 300, inOrder: true, damaged: 0 });
  t.like(b, { peer: 'a1', received: 300, inOrder: true, damaged: 0 });
  t.true(a.drops.unknownSender! + a.drops.malformed! >= 1);
});

test('two processes over UDP: a peer with another config is refused with the reason', async (t) => {
  const listener = startPeer(['a1', '00112233445566aa', '0']);
  const connector = startPeer(['c3', 'ffffffffffffffff', '0', String(await listener.port)]);
  const b = await connector.report;
  t.regex(b.refused ?? '', /^network config mismatch: a1 at 127\.0\.0\.1:\d+ does not use config hash ffffffffffffffff$/);
  const a = await listener.report;
  t.is(a.drops.refused, 1);
});
