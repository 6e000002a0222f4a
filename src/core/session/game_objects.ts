/**
 * A session's game objects by id, and the one watcher told of every change a reader could see:
 * objects becoming readable or going, field values and owners changing. The Lua bindings keep a
 * Lua-side copy of field values with it, so scripts read fields without crossing into TypeScript.
 */
import type { GameObject } from './game_object.js';

/** Told of every change to what can be read of a session's objects, as it happens. */
export interface GameObjectWatcher {
  /** `object` can be read by its id, with every field. */
  added(object: GameObject): void;
  /** Field `index` of `object` has a new value. */
  changed(object: GameObject, index: number): void;
  /** `object` has a new owner. */
  ownerChanged(object: GameObject): void;
  /** `object` can no longer be read by its id. */
  removed(object: GameObject): void;
}

export class GameObjects extends Map<number, GameObject> {
  private watcher: GameObjectWatcher | undefined;

  /** Report every change to `watcher` from now on (`undefined`: to nobody); the objects already here are reported added. */
  watch(watcher: GameObjectWatcher | undefined): void {
    this.watcher = watcher;
    for (const object of super.values()) {
      object.watcher = watcher;
      watcher?.added(object);
    }
  }

  override set(id: number, object: GameObject): this {
    const previous = super.get(id);
    if (previous !== undefined && previous !== object) this.delete(id);
    super.set(id, object);
    object.watcher = this.watcher;
    this.watcher?.added(object);
    return this;
  }

  override delete(id: number): boolean {
    const object = super.get(id);
    if (object === undefined) return false;
    super.delete(id);
    object.watcher = undefined;
    this.watcher?.removed(object);
    return true;
  }

  override clear(): void {
    for (const id of [...super.keys()]) this.delete(id);
  }
}
