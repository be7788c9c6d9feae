/**
 * A todo's details beside the list: its text, multi-line notes, when it was created and last
 * changed, and its sync state. Edits save by themselves shortly after typing stops (and at
 * once when the pane closes), each run of typing one undo step; typing survives changes made
 * elsewhere meanwhile (see useDetailsAutosave). Esc closes.
 */
import { useEffect, useId, useRef } from 'preact/hooks';
import type { TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { encodedLength, TODO_LIMITS } from '../../common/todo-limits';
import { formatCount } from '../format';
import { useDetailsAutosave, type SaveState } from '../hooks/useDetailsAutosave';
import { syncStateWords } from '../row-label';
import { FieldProblem } from './FieldMessages';
import { CloseIcon } from './Icons';

export { AUTOSAVE_MS } from '../hooks/useDetailsAutosave';
/** The counter appears when the notes come this close to the limit. */
const COUNTER_FROM = 0.8;

interface DetailsPaneProps {
  /** The todo as the list last loaded it; null once it no longer exists. */
  item: TodoListItem | null;
  /** The last copy seen, shown while `item` is null (deleted elsewhere). */
  lastSeen: TodoListItem;
  /** `base`: the fields as this pane showed them before the typing (a three-way save in main). */
  save(item: TodoListItem, changes: TodoChanges, base: TodoEditBase): Promise<void>;
  onClose(): void;
  onOpenIssue(item: TodoListItem): void;
}

function formatTime(value: unknown): string {
  if (value === null || value === undefined) return 'Not on the server yet';
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return 'Unknown';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function syncStateSentence(item: TodoListItem): string {
  if (item.issue === 'conflict') return 'Changed here and on the server: choose what to keep.';
  if (item.issue === 'rejected') return 'The server refused the last change.';
  if (item.pending) return 'Saved on this computer, not synced yet.';
  return item.version ? 'Synced.' : 'Saved on this computer.';
}

/** How much of the server's notes limit is used: on the bytes sent (todo-limits.ts), for plain text characters. */
function notesUsage(notes: string) {
  const limit = TODO_LIMITS.notesMaxBytes;
  const used = encodedLength(notes);
  return { used, limit, showCounter: used >= limit * COUNTER_FROM, tooLong: used > limit };
}

/** Esc calls `close` from anywhere a dialog or a field has not used it already. */
function useEscapeCloses(close: () => void) {
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function DetailsPane({ item, lastSeen, save, onClose, onOpenIssue }: DetailsPaneProps) {
  const shown = item ?? lastSeen;
  const fields = useDetailsAutosave(item, shown, save);
  const textField = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const notesId = useId();
  const counterId = useId();

  const close = () => {
    void fields.flush().finally(onClose);
  };
  useEscapeCloses(close);
  useEffect(() => textField.current?.focus(), []);

  const usage = notesUsage(fields.notes);
  const textMissing = fields.text.trim() === '';

  return (
    <aside class="details-pane" aria-labelledby={titleId} data-testid="details-pane">
      <DetailsHeader titleId={titleId} saving={fields.saving} onClose={close} />

      {item ? null : (
        <p class="details-gone" role="alert">
          This todo was deleted, here or on another device. What you typed is still below to copy.
        </p>
      )}

      <label class="details-label" htmlFor={`${titleId}-text`}>
        Todo
      </label>
      <input
        ref={textField}
        id={`${titleId}-text`}
        class="details-text"
        value={fields.text}
        maxLength={TODO_LIMITS.textMaxLength}
        aria-invalid={textMissing ? 'true' : undefined}
        onInput={(event) => fields.edit({ text: event.currentTarget.value })}
      />
      <FieldProblem
        message={textMissing ? 'A todo needs some text; the old text stays until you type some.' : null}
      />

      <label class="details-label" htmlFor={notesId}>
        Notes
      </label>
      <textarea
        id={notesId}
        class="details-notes"
        value={fields.notes}
        rows={8}
        maxLength={TODO_LIMITS.notesMaxLength}
        aria-invalid={usage.tooLong ? 'true' : undefined}
        placeholder="Add notes"
        aria-describedby={usage.showCounter ? counterId : undefined}
        onInput={(event) => fields.edit({ notes: event.currentTarget.value })}
      />
      {usage.showCounter ? <NotesCounter id={counterId} {...usage} /> : null}
      <FieldProblem message={fields.problem} />

      <DetailsFacts shown={shown} onOpenIssue={onOpenIssue} />
    </aside>
  );
}

function DetailsHeader({
  titleId,
  saving,
  onClose,
}: {
  titleId: string;
  saving: SaveState;
  onClose(): void;
}) {
  return (
    <header class="details-header">
      <h2 id={titleId} class="details-title">
        Details
      </h2>
      <span class="details-saving" aria-live="polite" data-testid="details-saving">
        {saving === 'saving' || saving === 'waiting' ? 'Saving…' : saving === 'saved' ? 'Saved' : ''}
      </span>
      <button
        type="button"
        class="icon-button"
        aria-label="Close details"
        title="Close (Esc)"
        onClick={onClose}
      >
        <CloseIcon />
      </button>
    </header>
  );
}

function NotesCounter({
  id,
  used,
  limit,
  tooLong,
}: {
  id: string;
  used: number;
  limit: number;
  tooLong: boolean;
}) {
  return (
    <p id={id} class={used >= limit ? 'details-counter is-full' : 'details-counter'}>
      {formatCount(used)} / {formatCount(limit)} characters
      {tooLong ? ' — too long for the server: shorten the notes to save them' : ''}
      {used === limit ? ' — the most the server accepts' : ''}
    </p>
  );
}

/** When the todo was created and changed, and its sync state (with Review for a conflict or refusal). */
function DetailsFacts({
  shown,
  onOpenIssue,
}: {
  shown: TodoListItem;
  onOpenIssue(item: TodoListItem): void;
}) {
  return (
    <dl class="details-facts">
      <dt>Created</dt>
      <dd data-testid="details-created">{formatTime(shown.createdAt)}</dd>
      <dt>Last changed</dt>
      <dd data-testid="details-updated">{formatTime(shown.updatedAt)}</dd>
      <dt>Sync</dt>
      <dd data-testid="details-sync" title={syncStateWords(shown)}>
        {syncStateSentence(shown)}
        {shown.issue ? (
          <>
            {' '}
            <button type="button" class="link-button" onClick={() => onOpenIssue(shown)}>
              Review
            </button>
          </>
        ) : null}
      </dd>
    </dl>
  );
}
