/**
 * The analyzer on the log of a 10-minute, 4-peer session (written through the real NetworkLog, with
 * the traffic mix of a game): lines, time to analyze, and report size.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeNetworkLog } from '../src/analyzer/network_log_report.js';
import { NetworkLog, NetworkLogFile } from '../src/core/transport/network_log.js';
import { printTable } from './measure.js';

export async function benchAnalyzer(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-bench-'));
  const file = path.join(dir, 'session.log');
  const logFile = new NetworkLogFile(file);
  const peers = ['a1', 'b2', 'c3', 'd4'];
  const logs = peers.map((p) => {
    const log = new NetworkLog(logFile, p);
    log.peer = p;
    return log;
  });
  const frames = 10 * 60 * 30;
  for (let frame = 0; frame < frames; frame++) {
    const time = frame / 30;
    logs.forEach((log, i) => {
      for (const remote of peers) {
        if (remote === peers[i]) continue;
        log.sent(remote, 'objects: player_unit', 400 + (frame % 50), 'message');
        log.sent(remote, 'overhead', 12);
        if (frame % 10 === 0) log.sent(remote, 'rpc_hit', 24, 'message');
        log.received(remote, 'objects: player_unit', 380);
        log.received(remote, 'overhead', 12);
        log.rtt(remote, 0.05);
      }
      if (frame % 1800 === 0) log.tag(`minute ${frame / 1800}`, time);
      log.endFrame(time);
    });
  }
  for (const log of logs) log.close();
  const started = performance.now();
  const { html, model, lines } = await analyzeNetworkLog(file, undefined);
  writeFileSync(path.join(dir, 'report.html'), html);
  const seconds = (performance.now() - started) / 1000;
  printTable('Network analyzer: the log of a 10-minute, 4-peer session', ['what', 'figure'], [
    ['log', `${lines.toLocaleString('en')} lines, ${(statSync(file).size / 2 ** 20).toFixed(1)} MB`],
    ['analyze + render', `${seconds.toFixed(1)} s (target: seconds)`],
    ['report', `${model.connections.size} connections in ${model.bucketMs} ms buckets, ${(html.length / 1024).toFixed(0)} kB`],
  ]);
}
