/**
 * The state behind the add field: the text as typed with the date found in it (unless the
 * person removed that chip), adding it, and the offer made when several lines are pasted.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../api';
import { loadDateParser, parseEntry, pastedLines, type TodoSchedule } from '../quick-entry';

export type AddTodoFn = (text: string, schedule: TodoSchedule | null) => Promise<void>;

/** True once the date parser (its own chunk, loaded after first paint) is there. */
function useDateParserReady(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    loadDateParser().then(
      () => live && setReady(true),
      // Without the parser the field still adds text as typed.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return ready;
}

/** The typed entry; `focus` puts the cursor back in the field after adding. */
export function useTodoEntry(onAdd: AddTodoFn, focus: () => void) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The date words the person removed the chip for: not proposed again for this text. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const parserReady = useDateParserReady();
  const parsed = useMemo(() => parseEntry(text, new Date()), [text, parserReady]);
  const schedule = parsed.schedule && parsed.matched !== dismissed ? parsed.schedule : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) {
      setProblem('Type what needs doing first.');
      focus();
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
      focus();
    }
  };

  return {
    text,
    setText,
    /** Typing clears the problem shown. */
    type: (value: string) => {
      setText(value);
      if (problem) setProblem(null);
    },
    problem,
    setProblem,
    busy,
    setBusy,
    schedule,
    /** Remove the chip: the date words stay as text. */
    dismissDate: () => {
      setDismissed(parsed.matched);
      focus();
    },
    submit,
  };
}

type Entry = ReturnType<typeof useTodoEntry>;

/** A paste of two lines or more is offered as one todo per line, or kept as one. */
export function usePasteOffer(onAdd: AddTodoFn, entry: Entry, focus: () => void) {
  const [pasted, setPasted] = useState<{ lines: string[]; raw: string } | null>(null);

  const addLines = async (lines: string[]) => {
    entry.setBusy(true);
    let added = 0;
    try {
      await loadDateParser().catch(() => undefined);
      for (const line of lines) {
        const parsed = parseEntry(line, new Date());
        await onAdd(parsed.text, parsed.schedule);
        added++;
      }
      setPasted(null);
      entry.setProblem(null);
    } catch (error) {
      // What was not added stays offered, so nothing pasted is lost.
      setPasted((current) => (current ? { ...current, lines: current.lines.slice(added) } : null));
      entry.setProblem(describeError(error));
    } finally {
      entry.setBusy(false);
      focus();
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
    entry.setText((current) => (current ? `${current} ${joined}` : joined));
    setPasted(null);
    focus();
  };

  return { lines: pasted?.lines ?? null, onPaste, keepAsOne, addLines };
}
