/** The row that opens and closes the Completed section, with Clear completed. */
import { formatCount } from '../format';
import { ROW_HEIGHT } from './TodoRow';

interface CompletedHeaderProps {
  index: number;
  count: number;
  collapsed: boolean;
  active: boolean;
  onToggle(): void;
  onClear(): void;
  onFocusRow(index: number): void;
}

export function CompletedHeader({
  index,
  count,
  collapsed,
  active,
  onToggle,
  onClear,
  onFocusRow,
}: CompletedHeaderProps) {
  return (
    <div
      role="listitem"
      class="section-row"
      data-index={index}
      data-testid="completed-header"
      aria-label={`Completed, ${formatCount(count)}, ${collapsed ? 'collapsed' : 'expanded'}`}
      tabIndex={active ? 0 : -1}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onFocusRow(index)}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onToggle();
        } else if (event.key === 'ArrowRight' && collapsed) {
          event.preventDefault();
          onToggle();
        } else if (event.key === 'ArrowLeft' && !collapsed) {
          event.preventDefault();
          onToggle();
        }
      }}
    >
      <button
        type="button"
        class="section-toggle"
        aria-expanded={collapsed ? 'false' : 'true'}
        tabIndex={active ? 0 : -1}
        onClick={(event) => {
          event.stopPropagation();
          onFocusRow(index);
          onToggle();
        }}
      >
        <span class="section-chevron" aria-hidden="true">
          ›
        </span>
        Completed <span class="section-count">{formatCount(count)}</span>
      </button>
      <button
        type="button"
        class="button button-quiet"
        tabIndex={active ? 0 : -1}
        onClick={(event) => {
          event.stopPropagation();
          onClear();
        }}
      >
        Clear completed
      </button>
    </div>
  );
}
