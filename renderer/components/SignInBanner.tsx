/**
 * "Sign in again to resume syncing": shown while the server refuses the session (a 401, an ended
 * token). Its button renews the session or opens the sign-in window with the provider used
 * last; the queue of changes waits meanwhile and is sent once signed in.
 */
import { useState } from 'preact/hooks';
import type { SyncStatus } from '../../common/sync-types';
import { describeError, todoSync } from '../api';
import { WarningIcon } from './Icons';

export function SignInBanner({
  status,
  onOpenSettings,
}: {
  status: SyncStatus | null;
  onOpenSettings(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (status?.connectivity !== 'unauthorized') return null;

  const signInAgain = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await todoSync.signIn({});
      await todoSync.syncNow();
    } catch (error) {
      const message = describeError(error);
      // No provider remembered (a pasted token): Settings lets the person choose one.
      if (/Choose how to sign in/.test(message)) onOpenSettings();
      else setProblem(message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="banners">
      <div class="banner banner-conflict" role="status" data-testid="sign-in-banner">
        <WarningIcon size={16} />
        <span class="banner-text">
          Sign in again to resume syncing
          {status.pendingOperations > 0 ? ` (${status.pendingOperations} waiting)` : ''}
          {problem ? ` — ${problem}` : ''}
        </span>
        <button type="button" class="button button-small" disabled={busy} onClick={() => void signInAgain()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </div>
  );
}
