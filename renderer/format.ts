/** Words the UI shows for app states: one place, so the wording stays consistent. */
import type { Connectivity, ConflictPolicy, OperationAction, SyncPhase } from '../common/sync-types';

const numberFormat = new Intl.NumberFormat();

export function formatCount(value: number): string {
  return numberFormat.format(value);
}

export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** "just now", "2 min ago", "3 h ago", "yesterday", then a date. */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  if (hours < 48) return 'yesterday';
  return `on ${new Date(then).toLocaleDateString()}`;
}

export const CONNECTIVITY_LABELS: Record<Connectivity, { label: string; detail: string }> = {
  online: { label: 'Online', detail: 'Connected to the server.' },
  offline: { label: 'Offline', detail: 'The server cannot be reached. Changes are kept on this computer.' },
  'working-offline': {
    label: 'Working offline',
    detail: 'Syncing is paused. Changes are kept on this computer until you go back online.',
  },
  unauthorized: {
    label: 'Not signed in',
    // Either no sign-in was sent or it ended: the status line's error says which.
    detail: 'The server needs you to sign in. Sign in from Settings to sync again.',
  },
  'local-only': { label: 'On this computer only', detail: 'No server is set up, so nothing is synced.' },
};

export const POLICY_LABELS: Record<ConflictPolicy, { label: string; explanation: string }> = {
  merge: {
    label: 'Merge',
    explanation: 'Combine both edits field by field; ask me only when the same field changed on both sides.',
  },
  ask: { label: 'Ask me', explanation: 'Show every conflict and let me choose what to keep.' },
  'server-wins': { label: 'Server wins', explanation: 'The version on the server replaces my change.' },
  'client-wins': { label: 'Mine wins', explanation: 'My change overwrites the version on the server.' },
};

export const ACTION_LABELS: Record<OperationAction, string> = {
  insert: 'New todo',
  update: 'Change',
  delete: 'Deletion',
};

/** The progress of a sync in words, or null when idle. */
export function describePhase(phase: SyncPhase): { text: string; fraction: number | null } | null {
  switch (phase.kind) {
    case 'idle':
      return null;
    case 'pushing':
      return {
        text: `Sending changes… ${formatCount(phase.done)} of ${formatCount(phase.total)}`,
        fraction: phase.total > 0 ? phase.done / phase.total : null,
      };
    case 'pulling':
      if (phase.total === null || phase.total <= 0) {
        return { text: `Syncing… ${plural(phase.received, 'record', 'records')} received`, fraction: null };
      }
      return {
        text: `Syncing… ${formatCount(phase.received)} of ${plural(phase.total, 'record', 'records')}`,
        fraction: Math.min(1, phase.received / phase.total),
      };
  }
}
