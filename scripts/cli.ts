/**
 * `stingray-net`: the command line of stingray-network.
 *
 *   stingray-net run <script.lua>... [options] [-- script args]   run game scripts headless
 */
import { parseRunOptions, UsageError } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';

const HELP = `stingray-net: run Autodesk Stingray Lua game scripts headless, with real networking.

usage:
  stingray-net run <script.lua>... [options] [-- script args]

run options:
  --frames N        stop after N frames (default: run until every script calls Application.quit)
  --dt SECONDS      frame time passed to update(dt) (default 1/30)
  --realtime        pace frames to the wall clock (default: as fast as the CPU allows)
  --root DIR        resource root for require, dofile and .network_config (default: the script's folder)
  --peers N         run one script N times, each in its own VM
  --simulate C      run the peers on the in-process network simulator instead of UDP, with
                    conditions C, e.g. loss=0.25,latency=200ms,jitter=100ms,dup=0.25,reorder=0.1
                    ("perfect" for none); deterministic for a given --seed
  --seed N          seed for the simulator and generated peer ids (default: random)
  --broadcast ADDR  where LAN lobby discovery broadcasts go (default 255.255.255.255;
                    127.255.255.255 keeps them on this machine)
  -- ARGS           arguments for the scripts, read with Application.argv()

exit codes: 0 ok, 1 Lua error, 2 usage error, or the code given to Application.quit(code).
`;

export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  const stdout = (text: string) => void process.stdout.write(text);
  const stderr = (text: string) => void process.stderr.write(text);
  try {
    switch (command) {
      case 'run':
        return await runScripts(parseRunOptions(rest), { stdout, stderr });
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        stdout(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try: stingray-net help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`stingray-net: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
