/**
 * What Settings' reset and Account's sign-out share when changes have not reached the server:
 * the warning that says how many, "Export unsynced changes" (a file in Downloads) and the note
 * saying what was saved, inside the same confirm group.
 */
import type { ComponentChildren } from 'preact';
import { plural } from '../format';
import { DownloadIcon } from './Icons';

/** The warning's opening: how many changes wait, or `otherwise` when this window counts none. */
export function unsyncedLead(pendingChanges: number, otherwise: string): string {
  return pendingChanges > 0
    ? `${plural(pendingChanges, 'change has', 'changes have')} not reached the server yet. `
    : otherwise;
}

export function ExportUnsyncedButton({ onExport }: { onExport(): void }) {
  return (
    <button type="button" class="button" onClick={onExport}>
      <DownloadIcon />
      Export unsynced changes
    </button>
  );
}

interface ConfirmGroupProps {
  /** The group's accessible name, e.g. "Confirm reset". */
  label: string;
  /** The question or warning above the buttons. */
  message: ComponentChildren;
  /** What the last export saved, if anything. */
  exported: string | null;
  /** The buttons. */
  children: ComponentChildren;
}

/** A question asked in place, with its buttons and the export's note below them. */
export function ConfirmGroup({ label, message, exported, children }: ConfirmGroupProps) {
  return (
    <div class="confirm" role="group" aria-label={label}>
      {message}
      <div class="row-buttons">{children}</div>
      {exported ? (
        <p class="field-hint" role="status">
          {exported}
        </p>
      ) : null}
    </div>
  );
}
