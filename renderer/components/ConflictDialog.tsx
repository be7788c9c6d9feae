/**
 * Mine vs Server, field by field. The person keeps one side whole or picks per field; the
 * choice goes to the engine, which queues the result and the next sync settles it.
 */
import { useEffect, useState } from 'preact/hooks';
import { describeDueDate } from '../../common/due-dates';
import type { ConflictField, ConflictResolution, FieldChange, SyncIssue } from '../../common/ipc-contract';
import { fieldLabelsOf } from '../../common/table-fields';
import { todoTable, type TodoItem } from '../../common/todo-table';
import { describeError } from '../api';
import { relativeTime } from '../format';
import { Modal } from './Modal';

type Side = 'mine' | 'server';
type FieldChoices = Record<ConflictField, Side>;

/** Every field of the table, in declaration order, named as the declaration labels it. */
const FIELDS: { field: ConflictField; label: string }[] = fieldLabelsOf(todoTable);

/** Who changed a field: main's three-way analysis (main/sync/merge.ts), carried by the issue. */
function fieldChange(issue: SyncIssue, field: ConflictField): FieldChange {
  return issue.fieldChanges[field];
}

/** Fields the person can choose between: different on the two sides, and stored on both. */
function differs(change: FieldChange): boolean {
  return change !== 'same' && change !== 'local-only';
}

const CHANGE_NOTES: Record<FieldChange, string> = {
  same: 'Same',
  mine: 'Changed here',
  server: 'Changed on the server',
  both: 'Changed on both',
  'local-only': 'Kept on this computer',
};

function FieldValue({ record, field }: { record: TodoItem | null; field: ConflictField }) {
  if (!record) return <span class="muted">Deleted</span>;
  const value: unknown = record[field];
  if (typeof value === 'boolean') return <span>{value ? 'Done' : 'Not done'}</span>;
  if (value === null || value === undefined || value === '')
    return <span class="muted">{field === 'notes' ? 'No notes' : 'None'}</span>;
  const shown =
    value instanceof Date
      ? value.toLocaleString()
      : field === 'dueDate' && typeof value === 'string'
        ? describeDueDate(value, new Date())
        : String(value);
  return <span class="conflict-text">{shown}</span>;
}

function whenChanged(record: TodoItem | null): string | null {
  const value: unknown = record?.updatedAt;
  if (!(value instanceof Date) && typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : relativeTime(date.toISOString(), Date.now());
}

/** Keep each side's own edits; where both edited a field, start from mine (the person can switch). */
function defaultChoices(issue: SyncIssue): FieldChoices {
  const choose = (field: ConflictField): Side => {
    const change = fieldChange(issue, field);
    return change === 'server' || change === 'same' ? 'server' : 'mine';
  };
  return Object.fromEntries(FIELDS.map(({ field }) => [field, choose(field)])) as FieldChoices;
}

/** The two versions side by side: mine as stored here, the server's unless it was deleted there. */
interface Sides {
  mine: TodoItem | null;
  /** Deleted on the server: its tombstone is no version to keep field by field. */
  server: TodoItem | null;
  /** Only then can the person pick field by field. */
  bothExist: boolean;
}

function sidesOf(issue: SyncIssue): Sides {
  const mine = issue.clientRecord;
  const server = issue.serverDeleted ? null : issue.serverRecord;
  return { mine, server, bothExist: mine !== null && server !== null };
}

/** The dialog's sentence: who deleted or changed what, and how many fields differ. */
function describeConflict(issue: SyncIssue, { mine, server }: Sides): string {
  const name = mine?.text ?? issue.serverRecord?.text ?? 'This todo';
  if (!mine) return `You deleted “${name}”, but it was changed on the server.`;
  if (!server) {
    return (
      `“${name}” was deleted on the server (on another device), but you changed it here. ` +
      'Restore mine brings it back with your version everywhere; Let it go removes it here too.'
    );
  }
  const differing = FIELDS.filter(({ field }) => differs(fieldChange(issue, field))).length;
  return `“${name}” was changed on this computer and on the server. ${
    differing === 1 ? '1 field differs.' : `${differing} fields differ.`
  }`;
}

/** The choices, whether a resolution is on its way, and what went wrong with the last one. */
function useConflictResolution(issue: SyncIssue | undefined, onResolve: ConflictDialogProps['onResolve']) {
  const [choices, setChoices] = useState<FieldChoices | null>(issue ? defaultChoices(issue) : null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setChoices(issue ? defaultChoices(issue) : null);
    setProblem(null);
  }, [issue?.id]);

  const choose = (field: ConflictField, side: Side) => {
    if (choices) setChoices({ ...choices, [field]: side });
  };

  const resolve = async (resolution: ConflictResolution['resolution']) => {
    if (!issue) return;
    setBusy(true);
    setProblem(null);
    try {
      await onResolve(issue.id, resolution);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return { choices, choose, busy, problem, resolve };
}

type Resolve = (resolution: ConflictResolution['resolution']) => Promise<void>;

function ConflictFooter({
  sides: { mine, server, bothExist },
  choices,
  busy,
  resolve,
}: {
  sides: Sides;
  choices: FieldChoices;
  busy: boolean;
  resolve: Resolve;
}) {
  // Keeping mine of a deleted todo brings it back on every device: the button says so.
  const mineLabel = !mine ? 'Delete it' : server ? 'Keep mine' : 'Restore mine';
  const serverLabel = server ? 'Keep server' : mine ? 'Let it go' : 'Accept deletion';
  return (
    <>
      <div class="footer-group">
        <button type="button" class="button" disabled={busy} onClick={() => void resolve({ choice: 'mine' })}>
          {mineLabel}
        </button>
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={() => void resolve({ choice: 'server' })}
        >
          {serverLabel}
        </button>
      </div>
      {bothExist ? (
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          onClick={() => void resolve({ choice: 'fields', fields: choices })}
        >
          Apply choices
        </button>
      ) : null}
    </>
  );
}

function ConflictHead({ sides: { mine, server } }: { sides: Sides }) {
  const changed = server ? whenChanged(server) : null;
  return (
    <thead>
      <tr>
        <th scope="col" class="conflict-field-col">
          <span class="sr-only">Field</span>
        </th>
        <th scope="col">
          On this computer
          <span class="conflict-when">{mine ? 'Your version' : 'You deleted it'}</span>
        </th>
        <th scope="col">
          On the server
          <span class="conflict-when">
            {server ? (changed ? `Changed ${changed}` : 'Server version') : 'Deleted there'}
          </span>
        </th>
      </tr>
    </thead>
  );
}

interface FieldRowProps {
  issue: SyncIssue;
  field: ConflictField;
  label: string;
  sides: Sides;
  choice: Side;
  choose(field: ConflictField, side: Side): void;
}

/** One field: its two values, a radio pair on each when the versions differ and both exist. */
function FieldRow({ issue, field, label, sides, choice, choose }: FieldRowProps) {
  const change = fieldChange(issue, field);
  const same = !differs(change);
  const selectable = sides.bothExist && !same;
  return (
    <tr class={same ? 'is-same' : 'is-different'} data-field={field}>
      <th scope="row">
        {label}
        <span class={same ? 'field-note' : 'field-note differs'}>{CHANGE_NOTES[change]}</span>
      </th>
      {(['mine', 'server'] as const).map((side) => {
        const record = side === 'mine' ? sides.mine : sides.server;
        return (
          <td key={side} class={selectable && choice === side ? 'is-chosen' : undefined}>
            {selectable ? (
              <label class="choice">
                <input
                  type="radio"
                  name={`conflict-${issue.id}-${field}`}
                  value={side}
                  checked={choice === side}
                  aria-label={`${label}: keep ${side === 'mine' ? 'mine' : 'the server’s'}`}
                  onChange={() => choose(field, side)}
                />
                <FieldValue record={record} field={field} />
              </label>
            ) : (
              <FieldValue record={record} field={field} />
            )}
          </td>
        );
      })}
    </tr>
  );
}

interface ConflictDialogProps {
  conflicts: SyncIssue[];
  onResolve(issueId: number, resolution: ConflictResolution['resolution']): Promise<void>;
  onClose(): void;
}

export function ConflictDialog({ conflicts, onResolve, onClose }: ConflictDialogProps) {
  const issue = conflicts[0];
  const { choices, choose, busy, problem, resolve } = useConflictResolution(issue, onResolve);
  if (!issue || !choices) return null;
  const sides = sidesOf(issue);

  return (
    <Modal
      title={conflicts.length > 1 ? `Conflict 1 of ${conflicts.length}` : 'Resolve a conflict'}
      description={describeConflict(issue, sides)}
      onClose={onClose}
      wide
      testId="conflict-dialog"
      footer={<ConflictFooter sides={sides} choices={choices} busy={busy} resolve={resolve} />}
    >
      <table class="conflict-table">
        <caption class="sr-only">Your version and the server’s version, field by field</caption>
        <ConflictHead sides={sides} />
        <tbody>
          {FIELDS.map(({ field, label }) => (
            <FieldRow
              key={field}
              issue={issue}
              field={field}
              label={label}
              sides={sides}
              choice={choices[field]}
              choose={choose}
            />
          ))}
        </tbody>
      </table>
      {problem ? (
        <p class="form-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </Modal>
  );
}
