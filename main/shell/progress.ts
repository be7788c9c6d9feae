/**
 * The taskbar / dock progress bar for a sync phase, as BrowserWindow.setProgressBar reads it:
 * a fraction while the amount is known, above 1 for "busy, amount unknown", -1 to remove it.
 */
import type { SyncPhase } from '../../common/sync-types';

export const PROGRESS_NONE = -1;
export const PROGRESS_INDETERMINATE = 2;

function fraction(done: number, total: number | null): number {
  if (total === null || total <= 0) return PROGRESS_INDETERMINATE;
  return Math.min(Math.max(done / total, 0), 1);
}

export function progressBarValue(phase: SyncPhase): number {
  switch (phase.kind) {
    case 'pulling':
      return fraction(phase.received, phase.total);
    case 'pushing':
      return fraction(phase.done, phase.total);
    case 'idle':
      return PROGRESS_NONE;
  }
}
