/**
 * Resolves engine resource names ("scripts/network/lobby", "global") to files under a root folder,
 * as Stingray resolved them inside its data directory.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

export type ResourceLookup = { file: string; error?: undefined } | { file?: undefined; error: string };

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export class ResourceResolver {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * A Lua script by resource name. `require` names ("module") may use dots or slashes and never
   * carry `.lua`; `dofile` names ("file") are paths that may omit `.lua`.
   */
  findScript(name: string, kind: 'module' | 'file'): ResourceLookup {
    const candidates: string[] = [];
    const base = path.isAbsolute(name) ? name : path.join(this.root, name);
    if (name.endsWith('.lua')) candidates.push(base);
    else {
      candidates.push(base + '.lua');
      if (kind === 'module' && !name.includes('/') && name.includes('.')) {
        candidates.push(path.join(this.root, name.replaceAll('.', '/')) + '.lua');
      }
      if (kind === 'file') candidates.push(base);
    }
    const found = candidates.find(isFile);
    if (found) return { file: found };
    return { error: candidates.map((c) => `no file '${c}'`).join('\n\t') };
  }

  /** A data resource such as `global` + `.network_config` → `<root>/global.network_config`. */
  findResource(name: string, extension: string): ResourceLookup {
    const file = path.join(this.root, name.endsWith(extension) ? name : name + extension);
    if (isFile(file)) return { file };
    return { error: `resource '${name}' not found: no file '${file}'` };
  }
}
