/**
 * Edits the server refused, each with its reason and three ways forward: Retry as is,
 * Edit then retry, or Discard after a confirmation. Nothing leaves this list silently.
 */
import { useState } from 'preact/hooks';
import type { SyncIssue, TodoChanges } from '../../common/ipc-contract';
import { describeError } from '../api';
import { ACTION_LABELS } from '../format';
import { BlockedIcon } from './Icons';
import { Modal } from './Modal';

interface RejectedPanelProps {
  rejected: SyncIssue[];
  onRetry(issueId: number, changes?: TodoChanges): Promise<void>;
  onDiscard(issueId: number): Promise<void>;
  onClose(): void;
}

type Mode = { kind: 'view' } | { kind: 'edit'; draft: string } | { kind: 'confirm-discard' };

/** Which of the three ways forward is open, and the request on its way (busy) or what it ran into. */
function useRejectedItem() {
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  /** On success the issue leaves the list (and this item with it), so busy only ends on failure. */
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return { mode, setMode, busy, problem, setProblem, run };
}

function EditThenRetry({
  text,
  draft,
  busy,
  onDraft,
  onSubmit,
  onCancel,
}: {
  text: string;
  draft: string;
  busy: boolean;
  onDraft(draft: string): void;
  onSubmit(): void;
  onCancel(): void;
}) {
  return (
    <form
      class="rejected-edit"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <input
        class="text-input"
        value={draft}
        aria-label={`New text for “${text}”`}
        onInput={(event) => onDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          }
        }}
        autoFocus
      />
      <div class="row-buttons">
        <button type="submit" class="button button-primary" disabled={busy}>
          Retry with changes
        </button>
        <button type="button" class="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const DISCARD_QUESTIONS: Record<SyncIssue['action'], string> = {
  insert: 'Discard this new todo? It will be removed from this computer.',
  delete: 'Discard this deletion? The todo comes back as the server has it.',
  update: 'Discard this change? The server’s version will be kept.',
};

function ConfirmDiscard({
  action,
  busy,
  onDiscard,
  onKeep,
}: {
  action: SyncIssue['action'];
  busy: boolean;
  onDiscard(): void;
  onKeep(): void;
}) {
  return (
    <div class="confirm" role="group" aria-label="Confirm discard">
      <p>{DISCARD_QUESTIONS[action]}</p>
      <div class="row-buttons">
        <button type="button" class="button button-danger" disabled={busy} onClick={onDiscard}>
          Discard
        </button>
        <button type="button" class="button" disabled={busy} onClick={onKeep}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function WaysForward({
  busy,
  onRetry,
  onEdit,
  onDiscard,
}: {
  busy: boolean;
  onRetry(): void;
  /** Absent when there is no text of mine to edit (a deletion, or no local record). */
  onEdit: (() => void) | null;
  onDiscard(): void;
}) {
  return (
    <div class="row-buttons">
      <button type="button" class="button" disabled={busy} onClick={onRetry}>
        Retry
      </button>
      {onEdit ? (
        <button type="button" class="button" disabled={busy} onClick={onEdit}>
          Edit
        </button>
      ) : null}
      <button type="button" class="button button-quiet-danger" disabled={busy} onClick={onDiscard}>
        Discard…
      </button>
    </div>
  );
}

function RejectedItem({
  issue,
  onRetry,
  onDiscard,
}: {
  issue: SyncIssue;
  onRetry: RejectedPanelProps['onRetry'];
  onDiscard: RejectedPanelProps['onDiscard'];
}) {
  const { mode, setMode, busy, problem, setProblem, run } = useRejectedItem();
  const text = issue.clientRecord?.text ?? issue.serverRecord?.text ?? 'A todo';
  const headingId = `rejected-${issue.id}-title`;
  const backToView = () => setMode({ kind: 'view' });

  const retryEdited = (draft: string) => {
    const trimmed = draft.trim();
    if (!trimmed) {
      setProblem('A todo needs some text.');
      return;
    }
    void run(() => onRetry(issue.id, { text: trimmed }));
  };

  return (
    <li
      class="rejected-item"
      aria-labelledby={headingId}
      data-testid="rejected-item"
      data-issue-id={issue.id}
    >
      <div class="rejected-head">
        <span class="rejected-kind">
          <BlockedIcon size={14} />
          {ACTION_LABELS[issue.action]}
        </span>
        <h3 id={headingId} class="rejected-title">
          {text}
        </h3>
      </div>
      <p class="rejected-reason">
        <span class="sr-only">Reason: </span>
        {issue.message}
      </p>

      {mode.kind === 'edit' ? (
        <EditThenRetry
          text={text}
          draft={mode.draft}
          busy={busy}
          onDraft={(draft) => setMode({ kind: 'edit', draft })}
          onSubmit={() => retryEdited(mode.draft)}
          onCancel={backToView}
        />
      ) : mode.kind === 'confirm-discard' ? (
        <ConfirmDiscard
          action={issue.action}
          busy={busy}
          onDiscard={() => void run(() => onDiscard(issue.id))}
          onKeep={backToView}
        />
      ) : (
        <WaysForward
          busy={busy}
          onRetry={() => void run(() => onRetry(issue.id))}
          onEdit={
            issue.action !== 'delete' && issue.clientRecord
              ? () => setMode({ kind: 'edit', draft: issue.clientRecord?.text ?? '' })
              : null
          }
          onDiscard={() => setMode({ kind: 'confirm-discard' })}
        />
      )}
      {problem ? (
        <p class="form-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </li>
  );
}

export function RejectedPanel({ rejected, onRetry, onDiscard, onClose }: RejectedPanelProps) {
  return (
    <Modal
      title="Changes the server refused"
      description="Nothing is lost: retry each one, edit it first, or discard it."
      onClose={onClose}
      wide
      testId="rejected-panel"
      footer={
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      }
    >
      {rejected.length === 0 ? (
        <p class="empty-note">Nothing is waiting. Every refused change has been handled.</p>
      ) : (
        <ul class="rejected-list" aria-label="Refused changes">
          {rejected.map((issue) => (
            <RejectedItem key={issue.id} issue={issue} onRetry={onRetry} onDiscard={onDiscard} />
          ))}
        </ul>
      )}
    </Modal>
  );
}
