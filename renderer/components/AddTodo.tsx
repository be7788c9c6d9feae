/**
 * The field that adds a todo. Enter adds; empty text is refused with a message. A date in
 * the text ("tomorrow 9am") shows as a removable chip and is saved as the due date (and a
 * reminder when a time was said). A paste of several lines offers one todo per line. Quick
 * add (the global shortcut, the tray) puts the cursor here.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { describeDueDate } from '../../common/due-dates';
import { describeError, todoSync } from '../api';
import { loadDateParser, parseEntry, pastedLines, type TodoSchedule } from '../quick-entry';
import { PlusIcon } from './Icons';

interface AddTodoProps {
  onAdd(text: string, schedule: TodoSchedule | null): Promise<void>;
}

/** Lines shown in the paste offer; the rest are counted. */
const PREVIEW_LINES = 5;

export function AddTodo({ onAdd }: AddTodoProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The date words the person removed the chip for: not proposed again for this text. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [pasted, setPasted] = useState<{ lines: string[]; raw: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const chipId = useId();

  const [parserReady, setParserReady] = useState(false);
  useEffect(() => {
    let live = true;
    loadDateParser().then(
      () => live && setParserReady(true),
      // Without the parser the field still adds text as typed.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const parsed = useMemo(() => parseEntry(text, new Date()), [text, parserReady]);
  const schedule = parsed.schedule && parsed.matched !== dismissed ? parsed.schedule : null;

  useEffect(() => todoSync.onFocusAdd(() => input.current?.focus()), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) {
      setProblem('Type what needs doing first.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await onAdd(schedule ? parsed.text : trimmed, schedule);
      setText('');
      setDismissed(null);
      setProblem(null);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const addLines = async (lines: string[]) => {
    setBusy(true);
    let added = 0;
    try {
      await loadDateParser().catch(() => undefined);
      for (const line of lines) {
        const entry = parseEntry(line, new Date());
        await onAdd(entry.text, entry.schedule);
        added++;
      }
      setPasted(null);
      setProblem(null);
    } catch (error) {
      // What was not added stays offered, so nothing pasted is lost.
      setPasted((current) => (current ? { ...current, lines: current.lines.slice(added) } : null));
      setProblem(describeError(error));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    const raw = event.clipboardData?.getData('text/plain') ?? '';
    const lines = pastedLines(raw);
    if (lines.length < 2) return;
    event.preventDefault();
    setPasted({ lines, raw });
  };

  const keepAsOne = () => {
    if (!pasted) return;
    const joined = pasted.lines.join(' ');
    setText((current) => (current ? `${current} ${joined}` : joined));
    setPasted(null);
    input.current?.focus();
  };

  return (
    <form class="add-form" onSubmit={submit} noValidate>
      <div class={problem ? 'add-field has-problem' : 'add-field'}>
        <PlusIcon />
        <input
          ref={input}
          class="add-input"
          placeholder="Add a todo — try “Call Sam tomorrow 9am”"
          aria-label="New todo"
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={[problem ? problemId : '', schedule ? chipId : ''].join(' ').trim() || undefined}
          value={text}
          maxLength={10_000}
          onInput={(event) => {
            setText(event.currentTarget.value);
            if (problem) setProblem(null);
          }}
          onPaste={onPaste}
          autoFocus
        />
        {schedule ? (
          <span class="due-chip" id={chipId} data-testid="due-chip">
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
              onClick={() => {
                setDismissed(parsed.matched);
                input.current?.focus();
              }}
            >
              ×
            </button>
          </span>
        ) : null}
        <button type="submit" class="button button-primary add-button" disabled={busy}>
          Add
        </button>
      </div>
      {pasted ? (
        <div class="paste-offer" role="group" aria-label="Pasted lines" data-testid="paste-offer">
          <p>Add {pasted.lines.length} todos, one per line?</p>
          <ul>
            {pasted.lines.slice(0, PREVIEW_LINES).map((line, index) => (
              <li key={index}>{line}</li>
            ))}
            {pasted.lines.length > PREVIEW_LINES ? (
              <li class="muted">and {pasted.lines.length - PREVIEW_LINES} more</li>
            ) : null}
          </ul>
          <div class="paste-offer-actions">
            <button type="button" class="button" disabled={busy} onClick={keepAsOne}>
              Keep as one todo
            </button>
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={() => void addLines(pasted.lines)}
            >
              Add {pasted.lines.length} todos
            </button>
          </div>
        </div>
      ) : null}
      {problem ? (
        <p id={problemId} class="field-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
