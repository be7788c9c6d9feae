/**
 * A todo's details beside the list: its text, multi-line notes, when it was created and last
 * changed, and its sync state. Edits save by themselves shortly after typing stops (and at
 * once when the pane closes), each run of typing one undo step. Esc closes.
 *
 * Nothing typed is lost when the todo changes elsewhere meanwhile: a field the person has not
 * touched since its last save follows the new value; a field with unsaved typing keeps the
 * typing, which is then saved as this device's edit and synced like any other (the engine's
 * conflict rules decide between the two).
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { encodedLength, TODO_LIMITS } from '../../common/todo-limits';
import { describeError } from '../api';
import { formatCount } from '../format';
import { syncStateWords } from '../row-label';
import { CloseIcon } from './Icons';

export const AUTOSAVE_MS = 600;
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

export function DetailsPane({ item, lastSeen, save, onClose, onOpenIssue }: DetailsPaneProps) {
  const shown = item ?? lastSeen;
  const [text, setText] = useState(shown.text);
  const [notes, setNotes] = useState(shown.notes ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState<'idle' | 'waiting' | 'saving' | 'saved'>('idle');
  /** What the store holds as far as this pane knows: typing is compared against it. */
  const saved = useRef({ text: shown.text, notes: shown.notes ?? '' });
  const draft = useRef({ text, notes });
  draft.current = { text, notes };
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textField = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const notesId = useId();
  const counterId = useId();
  const latest = useRef({ item, save });
  latest.current = { item, save };

  // A change from elsewhere: untouched fields follow it, fields with unsaved typing keep it.
  useEffect(() => {
    if (!item) return;
    const incomingNotes = item.notes ?? '';
    if (draft.current.text === saved.current.text && item.text !== saved.current.text) setText(item.text);
    if (draft.current.notes === saved.current.notes && incomingNotes !== saved.current.notes) {
      setNotes(incomingNotes);
    }
    saved.current = { text: item.text, notes: incomingNotes };
  }, [item?.text, item?.notes]);

  const flush = async (): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const current = latest.current.item;
    if (!current) return;
    const changes: TodoChanges = {};
    const base: TodoEditBase = {};
    const nextText = draft.current.text.trim();
    if (nextText && nextText !== saved.current.text) {
      changes.text = nextText;
      base.text = saved.current.text;
    }
    // Notes the server could not store wait on screen until they are short enough.
    const notesFit = encodedLength(draft.current.notes) <= TODO_LIMITS.notesMaxBytes;
    if (draft.current.notes !== saved.current.notes && notesFit) {
      changes.notes = draft.current.notes === '' ? null : draft.current.notes;
      base.notes = saved.current.notes === '' ? null : saved.current.notes;
    }
    if (Object.keys(changes).length === 0) {
      setSaving((state) => (state === 'waiting' ? 'idle' : state));
      return;
    }
    setSaving('saving');
    const before = saved.current;
    saved.current = {
      text: changes.text ?? before.text,
      notes: changes.notes === undefined ? before.notes : draft.current.notes,
    };
    try {
      await latest.current.save(current, changes, base);
      setSaving('saved');
    } catch (error) {
      // Keep the typing on screen and try again on the next keystroke or on close.
      saved.current = before;
      setSaving('idle');
      setProblem(`Not saved: ${describeError(error)}`);
    }
  };

  const schedule = () => {
    setSaving('waiting');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  const close = () => {
    void flush().finally(onClose);
  };

  // Esc closes the pane from anywhere a dialog or a field has not used it already.
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

  useEffect(() => {
    textField.current?.focus();
    // Whatever is still waiting is saved when the pane goes away (another todo, a filter change).
    return () => void flush();
  }, []);

  const limit = TODO_LIMITS.notesMaxBytes;
  // The server's limit is on the bytes sent (see todo-limits.ts): for plain text, characters.
  const used = encodedLength(notes);
  const showCounter = used >= limit * COUNTER_FROM;
  const tooLong = used > limit;
  const textMissing = text.trim() === '';

  return (
    <aside class="details-pane" aria-labelledby={titleId} data-testid="details-pane">
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
          onClick={close}
        >
          <CloseIcon />
        </button>
      </header>

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
        value={text}
        maxLength={TODO_LIMITS.textMaxLength}
        aria-invalid={textMissing ? 'true' : undefined}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setProblem(null);
          schedule();
        }}
      />
      {textMissing ? (
        <p class="field-problem" role="alert">
          A todo needs some text; the old text stays until you type some.
        </p>
      ) : null}

      <label class="details-label" htmlFor={notesId}>
        Notes
      </label>
      <textarea
        id={notesId}
        class="details-notes"
        value={notes}
        rows={8}
        maxLength={TODO_LIMITS.notesMaxLength}
        aria-invalid={tooLong ? 'true' : undefined}
        placeholder="Add notes"
        aria-describedby={showCounter ? counterId : undefined}
        onInput={(event) => {
          setNotes(event.currentTarget.value);
          setProblem(null);
          schedule();
        }}
      />
      {showCounter ? (
        <p id={counterId} class={used >= limit ? 'details-counter is-full' : 'details-counter'}>
          {formatCount(used)} / {formatCount(limit)} characters
          {tooLong ? ' — too long for the server: shorten the notes to save them' : ''}
          {used === limit ? ' — the most the server accepts' : ''}
        </p>
      ) : null}
      {problem ? (
        <p class="field-problem" role="alert">
          {problem}
        </p>
      ) : null}

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
    </aside>
  );
}
