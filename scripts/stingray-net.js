#!/usr/bin/env node
// Launcher: lets `npx stingray-net` run the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
