/** One row of the virtual list: fixed height, positioned by its index. */
import { memo } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { rowLabel } from '../row-label';
import { DueBadge } from './DueBadge';
import { BlockedIcon, DetailsIcon, TrashIcon, UploadIcon, WarningIcon } from './Icons';

/** Must match `--row-height` in styles/app.css. */
export const ROW_HEIGHT = 52;

export interface RowActions {
  /** A click on the row; the event's modifier keys extend or toggle the selection. */
  activate(index: number, event?: MouseEvent): void;
  toggle(item: TodoListItem): void;
  startEdit(item: TodoListItem, index: number): void;
  /**
   * Resolves once stored (or refused, with a message shown by the caller). `backToRow`: the edit
   * ended from the keyboard, so focus returns to the row; after a blur it stays where it went.
   * `base`: what the editor showed when editing began, so a change that arrived meanwhile is
   * not overwritten silently.
   */
  saveEdit(item: TodoListItem, text: string, backToRow: boolean, base: TodoEditBase): Promise<void>;
  cancelEdit(backToRow: boolean): void;
  remove(item: TodoListItem, index: number): void;
  undoRemove(): void;
  openIssue(item: TodoListItem): void;
  openDetails(item: TodoListItem, index: number): void;
}

interface TodoRowProps {
  index: number;
  total: number;
  item: TodoListItem | undefined;
  active: boolean;
  editing: boolean;
  deleting: boolean;
  /** Part of a multi-selection. */
  selected?: boolean;
  /** Its place among the todos when a section header sits above it (defaults to `index`). */
  position?: number;
  actions: RowActions;
}

/** Notes can be long; the row has room for one line of them. */
function firstLine(notes: string): string {
  return notes.split(/\r?\n/, 1)[0] ?? '';
}

function positionStyle(index: number) {
  return { transform: `translateY(${index * ROW_HEIGHT}px)` };
}

function EditField({ item, actions }: { item: TodoListItem; actions: RowActions }) {
  // What the editor showed when editing began: a sync may change the row while it is open.
  const base = useRef<TodoEditBase & { text: string }>({ text: item.text });
  const [draft, setDraft] = useState(item.text);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const finished = useRef(false);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const save = async (fromBlur: boolean) => {
    if (finished.current) return;
    const text = draft.trim();
    if (text === base.current.text) {
      finished.current = true;
      actions.cancelEdit(!fromBlur);
      return;
    }
    if (!text) {
      if (fromBlur) {
        finished.current = true;
        actions.cancelEdit(false);
      } else {
        setProblem('A todo needs some text. Press Esc to keep the old text.');
      }
      return;
    }
    finished.current = true;
    await actions.saveEdit(item, text, !fromBlur, base.current);
  };

  return (
    <div class="edit-field">
      <input
        ref={input}
        class="edit-input"
        value={draft}
        aria-label={`Edit “${base.current.text}”`}
        aria-invalid={problem ? 'true' : undefined}
        title={problem ?? 'Enter saves, Esc cancels'}
        maxLength={10_000}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          event.stopPropagation();
          if (event.key === 'Enter') {
            event.preventDefault();
            void save(false);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            finished.current = true;
            actions.cancelEdit(true);
          }
        }}
        onBlur={() => void save(true)}
      />
      {problem ? (
        <span class="edit-problem" role="alert">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

function Markers({ item, actions, tabIndex }: { item: TodoListItem; actions: RowActions; tabIndex: number }) {
  return (
    <>
      {item.issue === 'conflict' ? (
        <button
          type="button"
          class="chip chip-conflict"
          tabIndex={tabIndex}
          aria-label={`Conflict on “${item.text}”: choose which version to keep`}
          onClick={(event) => {
            event.stopPropagation();
            actions.openIssue(item);
          }}
        >
          <WarningIcon size={13} />
          <span class="chip-label">Conflict</span>
        </button>
      ) : null}
      {item.issue === 'rejected' ? (
        <button
          type="button"
          class="chip chip-rejected"
          tabIndex={tabIndex}
          aria-label={`The server refused the change to “${item.text}”: review it`}
          onClick={(event) => {
            event.stopPropagation();
            actions.openIssue(item);
          }}
        >
          <BlockedIcon size={13} />
          <span class="chip-label">Refused</span>
        </button>
      ) : null}
      {item.pending && item.issue === null ? (
        <span class="pending-marker" title="Not synced yet" data-testid="pending-marker">
          <UploadIcon />
          <span class="sr-only">Not synced yet</span>
        </span>
      ) : null}
    </>
  );
}

/** What every row has, whatever its state: its place in the list, and whether it is the tab stop. */
function rowAttributes({ index, total, position, active }: TodoRowProps) {
  return {
    role: 'listitem',
    'data-index': index,
    'aria-posinset': (position ?? index) + 1,
    'aria-setsize': total,
    style: positionStyle(index),
    tabIndex: active ? 0 : -1,
  } as const;
}

type RowAttributes = ReturnType<typeof rowAttributes>;

function rowClass(item: TodoListItem, { active, editing, selected }: TodoRowProps): string {
  const classes = ['todo-row'];
  if (item.complete) classes.push('is-complete');
  if (active) classes.push('is-active');
  if (editing) classes.push('is-editing');
  if (selected) classes.push('is-selected');
  if (item.issue) classes.push(`has-${item.issue}`);
  return classes.join(' ');
}

/** A click that acts on the todo without also activating (selecting) the row under it. */
function only(action: () => void) {
  return (event: MouseEvent) => {
    event.stopPropagation();
    action();
  };
}

/*
 * The row's states are built by plain functions, not components: each returns the row's own
 * element, so the row keeps one element, and its buttons their DOM, from state to state (the
 * focused Undo of a deleted row is the Details button once it comes back).
 */

function placeholderRow(attributes: RowAttributes) {
  return (
    <div {...attributes} class="todo-row is-placeholder" aria-busy="true" aria-label="Loading">
      <span class="skeleton skeleton-check" />
      <span class="skeleton skeleton-text" />
    </div>
  );
}

function deletedRow(attributes: RowAttributes, item: TodoListItem, { index, actions }: TodoRowProps) {
  return (
    <div
      {...attributes}
      class="todo-row is-deleting"
      data-id={item.id}
      onClick={() => actions.activate(index)}
    >
      <span class="todo-text">{item.text}</span>
      <span class="deleted-label">Deleted</span>
      <button
        type="button"
        class="link-button"
        tabIndex={attributes.tabIndex}
        onClick={only(() => actions.undoRemove())}
      >
        Undo
      </button>
    </div>
  );
}

/** The text and the first line of the notes. */
function rowText(item: TodoListItem) {
  return (
    <span class="todo-main">
      <span class="todo-text" title={item.text.length > 60 ? item.text : undefined}>
        {item.text}
      </span>
      {item.notes ? (
        <span class="todo-notes" title={item.notes.length > 80 ? item.notes : undefined}>
          <span class="sr-only">Notes: </span>
          {firstLine(item.notes)}
        </span>
      ) : null}
    </span>
  );
}

function rowButton(kind: 'details' | 'delete', item: TodoListItem, tabIndex: number, action: () => void) {
  const details = kind === 'details';
  return (
    <button
      type="button"
      class={details ? 'icon-button row-details' : 'icon-button row-delete'}
      tabIndex={tabIndex}
      aria-label={details ? `Details of “${item.text}”` : `Delete “${item.text}”`}
      title={details ? 'Details and notes (Enter)' : 'Delete'}
      onClick={only(action)}
    >
      {details ? <DetailsIcon /> : <TrashIcon />}
    </button>
  );
}

function todoRow(attributes: RowAttributes, item: TodoListItem, props: TodoRowProps) {
  const { index, editing, selected, actions } = props;
  const innerTab = attributes.tabIndex;
  return (
    <div
      {...attributes}
      class={rowClass(item, props)}
      data-id={item.id}
      // The row is announced once, with its state; its children repeat parts of it.
      aria-label={editing ? undefined : rowLabel(item, { selected })}
      onClick={(event) => actions.activate(index, event)}
      onDblClick={(event) => {
        if (editing || (event.target as HTMLElement).closest('button, input')) return;
        actions.startEdit(item, index);
      }}
    >
      <input
        type="checkbox"
        class="todo-check"
        checked={item.complete}
        tabIndex={innerTab}
        aria-label={`Done: ${item.text}`}
        onClick={(event) => event.stopPropagation()}
        onChange={() => {
          actions.activate(index);
          actions.toggle(item);
        }}
      />
      {editing ? <EditField item={item} actions={actions} /> : rowText(item)}
      {editing ? null : <DueBadge item={item} />}
      {editing ? null : <Markers item={item} actions={actions} tabIndex={innerTab} />}
      {editing ? null : rowButton('details', item, innerTab, () => actions.openDetails(item, index))}
      {editing ? null : rowButton('delete', item, innerTab, () => actions.remove(item, index))}
    </div>
  );
}

function TodoRowView(props: TodoRowProps) {
  const attributes = rowAttributes(props);
  const { item } = props;
  if (!item) return placeholderRow(attributes);
  if (props.deleting) return deletedRow(attributes, item, props);
  return todoRow(attributes, item, props);
}

export const TodoRow = memo(TodoRowView);
