/** Shown while several todos are selected: how many, and what can be done to all of them. */
import { formatCount } from '../format';

interface BulkBarProps {
  count: number;
  allComplete: boolean;
  onComplete(complete: boolean): void;
  onDelete(): void;
  onClear(): void;
}

export function BulkBar({ count, allComplete, onComplete, onDelete, onClear }: BulkBarProps) {
  return (
    <div class="bulk-bar" role="toolbar" aria-label="Selected todos" data-testid="bulk-bar">
      <span class="bulk-count">{formatCount(count)} selected</span>
      <button type="button" class="button" onClick={() => onComplete(!allComplete)}>
        {allComplete ? 'Mark not done' : 'Complete'}
      </button>
      <button type="button" class="button" onClick={onDelete}>
        Delete
      </button>
      <button type="button" class="button button-quiet" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
