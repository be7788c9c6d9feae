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

function RejectedItem({
  issue,
  onRetry,
  onDiscard,
}: {
  issue: SyncIssue;
  onRetry: RejectedPanelProps['onRetry'];
  onDiscard: RejectedPanelProps['onDiscard'];
}) {
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const text = issue.clientRecord?.text ?? issue.serverRecord?.text ?? 'A todo';
  const headingId = `rejected-${issue.id}-title`;

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
        <form
          class="rejected-edit"
          onSubmit={(event) => {
            event.preventDefault();
            const draft = mode.draft.trim();
            if (!draft) {
              setProblem('A todo needs some text.');
              return;
            }
            void run(() => onRetry(issue.id, { text: draft }));
          }}
        >
          <input
            class="text-input"
            value={mode.draft}
            aria-label={`New text for “${text}”`}
            onInput={(event) => setMode({ kind: 'edit', draft: event.currentTarget.value })}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                event.stopPropagation();
                setMode({ kind: 'view' });
              }
            }}
            autoFocus
          />
          <div class="row-buttons">
            <button type="submit" class="button button-primary" disabled={busy}>
              Retry with changes
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setMode({ kind: 'view' })}>
              Cancel
            </button>
          </div>
        </form>
      ) : mode.kind === 'confirm-discard' ? (
        <div class="confirm" role="group" aria-label="Confirm discard">
          <p>
            {issue.action === 'insert'
              ? 'Discard this new todo? It will be removed from this computer.'
              : issue.action === 'delete'
                ? 'Discard this deletion? The todo comes back as the server has it.'
                : 'Discard this change? The server’s version will be kept.'}
          </p>
          <div class="row-buttons">
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              onClick={() => void run(() => onDiscard(issue.id))}
            >
              Discard
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setMode({ kind: 'view' })}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div class="row-buttons">
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() => void run(() => onRetry(issue.id))}
          >
            Retry
          </button>
          {issue.action !== 'delete' && issue.clientRecord ? (
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => setMode({ kind: 'edit', draft: issue.clientRecord?.text ?? '' })}
            >
              Edit
            </button>
          ) : null}
          <button
            type="button"
            class="button button-quiet-danger"
            disabled={busy}
            onClick={() => setMode({ kind: 'confirm-discard' })}
          >
            Discard…
          </button>
        </div>
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
