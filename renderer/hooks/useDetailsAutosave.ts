/**
 * The details pane's text and notes with their autosave: typing saves by itself shortly after
 * it stops (and at once on `flush`, which closing and unmounting call), each run of typing one
 * save, so one undo step.
 *
 * Nothing typed is lost when the todo changes elsewhere meanwhile: a field the person has not
 * touched since its last save follows the new value; a field with unsaved typing keeps the
 * typing, which is then saved as this device's edit with the value it replaced as the base.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { encodedLength, TODO_LIMITS } from '../../common/todo-limits';
import { describeError } from '../api';

export const AUTOSAVE_MS = 600;

export type SaveState = 'idle' | 'waiting' | 'saving' | 'saved';

/** The two fields as typed (notes: '' for none). */
export interface DetailsFields {
  text: string;
  notes: string;
}

export interface DetailsEdit {
  changes: TodoChanges;
  /** The fields as the store held them before the typing: a three-way save in main. */
  base: TodoEditBase;
  /** What the store holds once the save succeeds. */
  next: DetailsFields;
}

/**
 * What saving `draft` over `saved` sends, or null when there is nothing to send. Empty text is
 * not sent (the old text stays); notes the server could not store wait until short enough.
 */
export function detailsEdit(draft: DetailsFields, saved: DetailsFields): DetailsEdit | null {
  const changes: TodoChanges = {};
  const base: TodoEditBase = {};
  const nextText = draft.text.trim();
  if (nextText && nextText !== saved.text) {
    changes.text = nextText;
    base.text = saved.text;
  }
  const notesFit = encodedLength(draft.notes) <= TODO_LIMITS.notesMaxBytes;
  if (draft.notes !== saved.notes && notesFit) {
    changes.notes = draft.notes === '' ? null : draft.notes;
    base.notes = saved.notes === '' ? null : saved.notes;
  }
  if (Object.keys(changes).length === 0) return null;
  return {
    changes,
    base,
    next: {
      text: changes.text ?? saved.text,
      notes: changes.notes === undefined ? saved.notes : draft.notes,
    },
  };
}

type Save = (item: TodoListItem, changes: TodoChanges, base: TodoEditBase) => Promise<void>;

/** `item`: the todo as last loaded, null once deleted; `shown` is what the fields start from. */
export function useDetailsAutosave(item: TodoListItem | null, shown: TodoListItem, save: Save) {
  const [text, setText] = useState(shown.text);
  const [notes, setNotes] = useState(shown.notes ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState<SaveState>('idle');
  /** What the store holds as far as this pane knows: typing is compared against it. */
  const saved = useRef({ text: shown.text, notes: shown.notes ?? '' });
  const draft = useRef({ text, notes });
  draft.current = { text, notes };
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
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
    const edit = detailsEdit(draft.current, saved.current);
    if (!edit) {
      setSaving((state) => (state === 'waiting' ? 'idle' : state));
      return;
    }
    setSaving('saving');
    const before = saved.current;
    saved.current = edit.next;
    try {
      await latest.current.save(current, edit.changes, edit.base);
      setSaving('saved');
    } catch (error) {
      // Keep the typing on screen and try again on the next keystroke or on close.
      saved.current = before;
      setSaving('idle');
      setProblem(`Not saved: ${describeError(error)}`);
    }
  };

  // Whatever is still waiting is saved when the pane goes away (another todo, a filter change).
  useEffect(() => () => void flush(), []);

  /** Typing in either field: shown at once, saved once the typing pauses. */
  const edit = (changes: Partial<DetailsFields>) => {
    if (changes.text !== undefined) setText(changes.text);
    if (changes.notes !== undefined) setNotes(changes.notes);
    setProblem(null);
    setSaving('waiting');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  return { text, notes, problem, saving, edit, flush };
}
