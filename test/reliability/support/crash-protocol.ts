/** The lines the crash worker prints for the crash harness (see children/crash-worker.ts). */
import type { ConflictPolicy } from '../../../common/sync-types';

export interface CrashWorkerArgs {
  mode: 'work' | 'finish';
  dbPath: string;
  backendUrl: string;
  idPrefix: string;
  /** Seeds this segment's script. */
  scriptSeed: number;
  /** Names this segment's edits uniquely across restarts. */
  segment: number;
  timeoutMs: number;
  steps: number;
  policy: ConflictPolicy;
}

export type EditKind = 'add' | 'text' | 'complete' | 'notes' | 'delete';

export interface PlannedEdit {
  key: string;
  kind: EditKind;
  id: string;
  /** The fields the edit sets (all three for an add). */
  fields: { text?: string; complete?: boolean; notes?: string | null };
}

export type WorkerMessage =
  | { t: 'ready'; pending: number; issues: number; ids: string[] }
  | { t: 'begin'; phase: 'write' | 'push' | 'pull' | 'sync'; step: number }
  | { t: 'intent'; edit: PlannedEdit }
  | { t: 'ack'; key: string }
  | { t: 'end'; phase: string; ok: boolean; error: string | null }
  | { t: 'shown'; kind: 'conflict' | 'rejected'; recordId: string; action: string; message: string }
  | {
      t: 'final';
      todos: { id: string; text: string; complete: boolean; notes: string | null; version: string | null }[];
      pending: number;
      issues: number;
    }
  | { t: 'fatal'; error: string };

export const MESSAGE_PREFIX = '@reliability ';
