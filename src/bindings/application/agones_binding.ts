/**
 * `Application.agones_ready()` and `Application.agones_set_label(key, value)`: what a script of a
 * `stingray-net run --agones` server tells Agones itself. The runner implements the hooks; without
 * --agones the functions raise, so a script never believes it told an orchestrator something.
 */
import { LuaArgs } from '../../bridge/lua_args.js';
import { LuaRaise } from '../../bridge/lua_api.js';
import type { Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';

/** What the runner does for the Agones functions (src/runner/agones.ts). */
export interface AgonesHooks {
  /** Mark the game server Ready (again, after an allocation, if the script wants it reused). */
  ready(): void;
  /** Set the GameServer label `agones.dev/sdk-<key>` to `value` (both already valid label text). */
  setLabel(key: string, value: string): void;
}

/** A Kubernetes label name or value: up to 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_TEXT = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Why `text` cannot be a label key or value, or undefined when it can. */
export function labelTextProblem(text: string, what: 'key' | 'value'): string | undefined {
  if (what === 'key' && text === '') return 'an empty label key';
  if (LABEL_TEXT.test(text)) return undefined;
  return `'${text}' is not a valid label ${what} (at most 63 characters, letters and digits at both ends, - _ . inside)`;
}

export function agonesFunctions(vm: LuaVm, hooks: AgonesHooks | undefined): Functions {
  const args = new LuaArgs(vm.bridge);
  const running = (fn: string): AgonesHooks => {
    if (!hooks) throw new LuaRaise(`${fn}: this run was not started with --agones (stingray-net run --agones), so there is no Agones SDK to tell`);
    return hooks;
  };
  return {
    agones_ready: (_L, fn) => {
      running(fn).ready();
      return 0;
    },
    agones_set_label: (L, fn) => {
      const agones = running(fn);
      const key = args.string(L, 1, fn, 'label key');
      const value = args.string(L, 2, fn, 'label value');
      for (const [i, text, what] of [[1, key, 'key'], [2, value, 'value']] as const) {
        const problem = labelTextProblem(text, what);
        if (problem !== undefined) throw new LuaRaise(`bad argument #${i} to '${fn}' (${problem})`);
      }
      agones.setLabel(key, value);
      return 0;
    },
  };
}
