/**
 * `npm run bench`: every performance figure of the project, each a ratio measured in one run.
 */
import { benchAnalyzer } from './analyzer.bench.js';
import { benchLuaBridge } from './lua_bridge.bench.js';
import { benchVms } from './vm.bench.js';
import { benchGameSessionLua } from './game_session_lua.bench.js';
import { benchNetworkConfig } from './network_config.bench.js';
import { benchReplication } from './replication.bench.js';
import { benchStartup } from './startup.bench.js';
import { benchScaling } from './scaling.bench.js';
import { benchTransport } from './transport.bench.js';

console.log(`stingray-network bench — node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
await benchLuaBridge();
await benchVms();
benchNetworkConfig();
await benchTransport();
benchReplication();
benchScaling();
await benchGameSessionLua();
await benchAnalyzer();
benchStartup();
