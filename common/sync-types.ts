/**
 * Sync vocabulary shared by the engine, the IPC contract and the UI.
 * Plain types only: each side derives what it shows or sends from these.
 */

export type ConflictPolicy = 'merge' | 'ask' | 'server-wins' | 'client-wins';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['merge', 'ask', 'server-wins', 'client-wins'];

export type OperationAction = 'insert' | 'update' | 'delete';

/** What the engine is doing right now. */
export type SyncPhase =
  | { kind: 'idle' }
  | { kind: 'pushing'; done: number; total: number }
  | { kind: 'pulling'; table: string; received: number; total: number | null };

/**
 * Whether the app can reach its backend:
 * - online / offline: as last observed;
 * - working-offline: the person paused syncing;
 * - unauthorized: the server answered 401; syncing waits for a new token;
 * - local-only: no backend is configured at all.
 */
export type Connectivity = 'online' | 'offline' | 'working-offline' | 'unauthorized' | 'local-only';

export type SyncErrorCode =
  'network' | 'timeout' | 'unauthorized' | 'server' | 'bad-response' | 'conflict' | 'rejected' | 'internal';

export interface SyncErrorInfo {
  code: SyncErrorCode;
  /** A sentence a person can act on, not an error code. */
  message: string;
  /** ISO time. */
  at: string;
}

export interface SyncStatus {
  phase: SyncPhase;
  connectivity: Connectivity;
  pendingOperations: number;
  pendingByTable: Record<string, number>;
  /** Conflicts waiting for the person (policy "ask", or merge falling back). */
  unresolvedConflicts: number;
  /** Operations the server refused, waiting for retry, edit or discard. */
  rejectedOperations: number;
  /** ISO time of the last sync that completed without error. */
  lastSyncedAt: string | null;
  lastError: SyncErrorInfo | null;
  /** ISO time of the next scheduled background sync, if any. */
  nextSyncAt: string | null;
  backendUrl: string | null;
}

export interface SyncResult {
  ok: boolean;
  pushed: number;
  pulled: number;
  /** New conflicts left for the person by this run. */
  conflicts: number;
  /** New rejected operations left by this run. */
  rejected: number;
  /** Changes the server could not take this time (a server error); sent again next sync. */
  retrying: number;
  /** Why the run stopped (ok false), or why some changes wait for the next sync (ok true). */
  error: SyncErrorInfo | null;
}

export interface Settings {
  /** null: no backend, the app works local-only. */
  backendUrl: string | null;
  syncIntervalMinutes: number;
  conflictPolicy: ConflictPolicy;
  workOffline: boolean;
  /** Sent as X-ZUMO-AUTH. Never logged, never sent to the renderer. */
  authToken: string | null;
}

/** Settings as the renderer sees them: the token itself never leaves the main process. */
export type SettingsView = Omit<Settings, 'authToken'> & { hasAuthToken: boolean };

export const SYNC_INTERVAL_LIMITS = { minMinutes: 1, maxMinutes: 24 * 60 } as const;

export const DEFAULT_SETTINGS: Settings = {
  backendUrl: null,
  syncIntervalMinutes: 5,
  conflictPolicy: 'merge',
  workOffline: false,
  authToken: null,
};
