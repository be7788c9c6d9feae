/**
 * Two parts of Settings: "Test connection" for the address as typed (saved or not), and the
 * question asked when Settings would close with edits not saved yet.
 */
import { useState } from 'preact/hooks';
import type { ConnectionTestResult } from '../../common/ipc-contract';
import { describeError, todoSync } from '../api';

export function ConnectionTest({ backendUrl, authToken }: { backendUrl: string; authToken: string }) {
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'testing' }
    | { kind: 'done'; result: ConnectionTestResult }
    | { kind: 'failed'; message: string }
  >({ kind: 'idle' });
  const address = backendUrl.trim();

  const run = async () => {
    setState({ kind: 'testing' });
    try {
      const token = authToken.trim();
      const result = await todoSync.testConnection({
        backendUrl: address,
        ...(token ? { authToken: token } : {}),
      });
      setState({ kind: 'done', result });
    } catch (error) {
      setState({ kind: 'failed', message: describeError(error) });
    }
  };

  const tone =
    state.kind === 'done'
      ? state.result.outcome === 'ok'
        ? 'is-ok'
        : 'is-problem'
      : state.kind === 'failed'
        ? 'is-problem'
        : '';
  return (
    <div class="connection-test">
      <button
        type="button"
        class="button"
        disabled={address === '' || state.kind === 'testing'}
        onClick={() => void run()}
      >
        {state.kind === 'testing' ? 'Testing…' : 'Test connection'}
      </button>
      <p class={`connection-result ${tone}`} role="status" data-testid="connection-result">
        {state.kind === 'done' ? state.result.message : state.kind === 'failed' ? state.message : ''}
      </p>
    </div>
  );
}

interface UnsavedPromptProps {
  saving: boolean;
  onSave(): void;
  onDiscard(): void;
  onKeepEditing(): void;
}

/** Shown in the footer instead of Close/Save: nothing typed is dropped without asking. */
export function UnsavedChangesPrompt({ saving, onSave, onDiscard, onKeepEditing }: UnsavedPromptProps) {
  return (
    <div
      class="unsaved-prompt"
      role="alertdialog"
      aria-label="Unsaved changes"
      aria-describedby="unsaved-text"
    >
      <span id="unsaved-text" class="unsaved-text">
        Some changes are not saved yet.
      </span>
      <div class="footer-group">
        <button type="button" class="button" onClick={onKeepEditing}>
          Keep editing
        </button>
        <button type="button" class="button" onClick={onDiscard}>
          Discard changes
        </button>
        <button type="button" class="button button-primary" disabled={saving} onClick={onSave} autoFocus>
          Save and close
        </button>
      </div>
    </div>
  );
}
