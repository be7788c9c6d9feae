/**
 * "These tables changed" for the windows and the reminders, from the current account's engine.
 * A listener stays subscribed across an account switch: it is moved to the new engine, and
 * told that every table changed, since all of its rows did.
 */
import type { DataChanged } from '../../common/ipc-contract';
import type { SyncContext } from '../sync';

export interface DataFeed {
  subscribe(listener: (change: DataChanged) => void): () => void;
  /** Moves every listener to the current engine (the account switched). */
  rebind(): void;
  /** Tells every listener that these tables changed. */
  announce(tables: string[]): void;
}

/** `syncContext` is read at each use: the engine changes when another account signs in. */
export function createDataFeed(syncContext: () => SyncContext): DataFeed {
  const listeners = new Map<(change: DataChanged) => void, () => void>();
  const listen = (listener: (change: DataChanged) => void): (() => void) =>
    syncContext().onDataChanged((tables) => listener({ tables }));

  return {
    subscribe(listener) {
      listeners.set(listener, listen(listener));
      return () => {
        listeners.get(listener)?.();
        listeners.delete(listener);
      };
    },
    rebind() {
      for (const [listener, unsubscribe] of listeners) {
        unsubscribe();
        listeners.set(listener, listen(listener));
      }
    },
    announce(tables) {
      for (const listener of listeners.keys()) listener({ tables: [...tables] });
    },
  };
}
