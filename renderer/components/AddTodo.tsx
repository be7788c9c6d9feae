/**
 * The field that adds a todo. Enter adds; empty text is refused with a message. A date in
 * the text ("tomorrow 9am") shows as a removable chip and is saved as the due date (and a
 * reminder when a time was said). A paste of several lines offers one todo per line. Quick
 * add (the global shortcut, the tray) puts the cursor here.
 */
import { useEffect, useId, useRef } from 'preact/hooks';
import { describeDueDate } from '../../common/due-dates';
import { todoSync } from '../api';
import { usePasteOffer, useTodoEntry } from '../hooks/useTodoEntry';
import type { TodoSchedule } from '../quick-entry';
import { FieldProblem } from './FieldMessages';
import { PlusIcon } from './Icons';

interface AddTodoProps {
  onAdd(text: string, schedule: TodoSchedule | null): Promise<void>;
}

/** Lines shown in the paste offer; the rest are counted. */
const PREVIEW_LINES = 5;

export function AddTodo({ onAdd }: AddTodoProps) {
  const input = useRef<HTMLInputElement>(null);
  const focus = () => input.current?.focus();
  const entry = useTodoEntry(onAdd, focus);
  const paste = usePasteOffer(onAdd, entry, focus);
  const problemId = useId();
  const chipId = useId();
  const { problem, schedule } = entry;

  useEffect(() => todoSync.onFocusAdd(() => input.current?.focus()), []);

  return (
    <form class="add-form" onSubmit={entry.submit} noValidate>
      <div class={problem ? 'add-field has-problem' : 'add-field'}>
        <PlusIcon />
        <input
          ref={input}
          class="add-input"
          placeholder="Add a todo — try “Call Sam tomorrow 9am”"
          aria-label="New todo"
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={[problem ? problemId : '', schedule ? chipId : ''].join(' ').trim() || undefined}
          value={entry.text}
          maxLength={10_000}
          onInput={(event) => entry.type(event.currentTarget.value)}
          onPaste={paste.onPaste}
          autoFocus
        />
        {schedule ? <DueChip id={chipId} schedule={schedule} onRemove={entry.dismissDate} /> : null}
        <button type="submit" class="button button-primary add-button" disabled={entry.busy}>
          Add
        </button>
      </div>
      {paste.lines ? (
        <PasteOffer
          lines={paste.lines}
          busy={entry.busy}
          onKeepAsOne={paste.keepAsOne}
          onAddAll={(lines) => void paste.addLines(lines)}
        />
      ) : null}
      <FieldProblem id={problemId} message={problem} />
    </form>
  );
}

/** The date found in the text; × keeps its words as text instead. */
function DueChip({ id, schedule, onRemove }: { id: string; schedule: TodoSchedule; onRemove(): void }) {
  return (
    <span class="due-chip" id={id} data-testid="due-chip">
      <span>
        <span class="sr-only">Due </span>
        {describeDueDate(schedule.dueDate, new Date())}
        {schedule.reminderAt ? <span class="due-chip-reminder"> · reminder</span> : null}
      </span>
      <button
        type="button"
        class="due-chip-remove"
        aria-label="Remove the date"
        title="Keep the words as text"
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}

interface PasteOfferProps {
  lines: string[];
  busy: boolean;
  onKeepAsOne(): void;
  onAddAll(lines: string[]): void;
}

function PasteOffer({ lines, busy, onKeepAsOne, onAddAll }: PasteOfferProps) {
  return (
    <div class="paste-offer" role="group" aria-label="Pasted lines" data-testid="paste-offer">
      <p>Add {lines.length} todos, one per line?</p>
      <ul>
        {lines.slice(0, PREVIEW_LINES).map((line, index) => (
          <li key={index}>{line}</li>
        ))}
        {lines.length > PREVIEW_LINES ? <li class="muted">and {lines.length - PREVIEW_LINES} more</li> : null}
      </ul>
      <div class="paste-offer-actions">
        <button type="button" class="button" disabled={busy} onClick={onKeepAsOne}>
          Keep as one todo
        </button>
        <button type="button" class="button button-primary" disabled={busy} onClick={() => onAddAll(lines)}>
          Add {lines.length} todos
        </button>
      </div>
    </div>
  );
}
