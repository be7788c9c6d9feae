/**
 * Mine vs Server, field by field. The person keeps one side whole or picks per field; the
 * choice goes to the engine, which queues the result and the next sync settles it.
 */
import { useEffect, useState } from 'preact/hooks';
import { describeDueDate } from '../../common/due-dates';
import type { ConflictField, ConflictResolution, FieldChange, SyncIssue } from '../../common/ipc-contract';
import { userColumnsOf } from '../../common/table-zod';
import { todoTable, type TodoItem } from '../../common/todo-table';
import { describeError } from '../api';
import { relativeTime } from '../format';
import { Modal } from './Modal';

type Side = 'mine' | 'server';
type FieldChoices = Record<ConflictField, Side>;

/** Every field of the table, in declaration order, named as the declaration labels it. */
const FIELDS: { field: ConflictField; label: string }[] = userColumnsOf(todoTable).map((field) => ({
  field,
  label: todoTable.columns[field].label ?? field,
}));

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

interface ConflictDialogProps {
  conflicts: SyncIssue[];
  onResolve(issueId: number, resolution: ConflictResolution['resolution']): Promise<void>;
  onClose(): void;
}

export function ConflictDialog({ conflicts, onResolve, onClose }: ConflictDialogProps) {
  const issue = conflicts[0];
  const [choices, setChoices] = useState<FieldChoices | null>(issue ? defaultChoices(issue) : null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setChoices(issue ? defaultChoices(issue) : null);
    setProblem(null);
  }, [issue?.id]);

  if (!issue || !choices) return null;

  const mine = issue.clientRecord;
  // Deleted on the server: its tombstone is no version to keep field by field.
  const server = issue.serverDeleted ? null : issue.serverRecord;
  const bothExist = mine !== null && server !== null;
  const name = mine?.text ?? issue.serverRecord?.text ?? 'This todo';
  const differing = FIELDS.filter(({ field }) => differs(fieldChange(issue, field)));

  const resolve = async (resolution: ConflictResolution['resolution']) => {
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

  const description = !mine
    ? `You deleted “${name}”, but it was changed on the server.`
    : !server
      ? `“${name}” was deleted on the server (on another device), but you changed it here. ` +
        'Restore mine brings it back with your version everywhere; Let it go removes it here too.'
      : `“${name}” was changed on this computer and on the server. ${
          differing.length === 1 ? '1 field differs.' : `${differing.length} fields differ.`
        }`;

  // Keeping mine of a deleted todo brings it back on every device: the button says so.
  const mineLabel = !mine ? 'Delete it' : server ? 'Keep mine' : 'Restore mine';
  const serverLabel = server ? 'Keep server' : mine ? 'Let it go' : 'Accept deletion';

  return (
    <Modal
      title={conflicts.length > 1 ? `Conflict 1 of ${conflicts.length}` : 'Resolve a conflict'}
      description={description}
      onClose={onClose}
      wide
      testId="conflict-dialog"
      footer={
        <>
          <div class="footer-group">
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => void resolve({ choice: 'mine' })}
            >
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
      }
    >
      <table class="conflict-table">
        <caption class="sr-only">Your version and the server’s version, field by field</caption>
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
                {server
                  ? whenChanged(server)
                    ? `Changed ${whenChanged(server)}`
                    : 'Server version'
                  : 'Deleted there'}
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {FIELDS.map(({ field, label }) => {
            const change = fieldChange(issue, field);
            const same = !differs(change);
            const groupName = `conflict-${issue.id}-${field}`;
            return (
              <tr key={field} class={same ? 'is-same' : 'is-different'} data-field={field}>
                <th scope="row">
                  {label}
                  <span class={same ? 'field-note' : 'field-note differs'}>{CHANGE_NOTES[change]}</span>
                </th>
                {(['mine', 'server'] as const).map((side) => {
                  const record = side === 'mine' ? mine : server;
                  const selectable = bothExist && !same;
                  const selected = selectable && choices[field] === side;
                  return (
                    <td key={side} class={selected ? 'is-chosen' : undefined}>
                      {selectable ? (
                        <label class="choice">
                          <input
                            type="radio"
                            name={groupName}
                            value={side}
                            checked={choices[field] === side}
                            aria-label={`${label}: keep ${side === 'mine' ? 'mine' : 'the server’s'}`}
                            onChange={() => setChoices({ ...choices, [field]: side })}
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
          })}
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
