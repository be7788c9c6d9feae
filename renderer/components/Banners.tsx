/** Things that need the person, shown where they look: conflicts and refused edits. */
import { plural } from '../format';
import { BlockedIcon, WarningIcon } from './Icons';

interface BannersProps {
  conflicts: number;
  rejected: number;
  onReviewConflicts(): void;
  onReviewRejected(): void;
}

export function Banners({ conflicts, rejected, onReviewConflicts, onReviewRejected }: BannersProps) {
  if (conflicts === 0 && rejected === 0) return null;
  return (
    <div class="banners">
      {conflicts > 0 ? (
        <div class="banner banner-conflict" role="status" data-testid="conflict-banner">
          <WarningIcon size={16} />
          <span class="banner-text">
            {conflicts === 1
              ? '1 conflict needs you'
              : `${plural(conflicts, 'conflict', 'conflicts')} need you`}
          </span>
          <button type="button" class="button button-small" onClick={onReviewConflicts}>
            Review
          </button>
        </div>
      ) : null}
      {rejected > 0 ? (
        <div class="banner banner-rejected" role="status" data-testid="rejected-banner">
          <BlockedIcon size={16} />
          <span class="banner-text">
            The server refused {rejected === 1 ? '1 change' : plural(rejected, 'change', 'changes')}
          </span>
          <button type="button" class="button button-small" onClick={onReviewRejected}>
            Review
          </button>
        </div>
      ) : null}
    </div>
  );
}
