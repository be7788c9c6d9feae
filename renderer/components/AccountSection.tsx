/**
 * Settings' sign-in part: who is signed in and until when, "Sign in with…" (App Service's
 * providers or a custom one), "Sign out" (which, with unsynced changes, says so first and offers
 * Export), and where the token is kept. The sign-in itself happens in the main process's window;
 * this only asks for it and shows the outcome.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { SIGN_IN_PROVIDERS, type AccountView } from '../../common/ipc-contract';
import { AppError, describeError, todoSync } from '../api';
import { plural } from '../format';
import { DownloadIcon } from './Icons';

const CUSTOM = 'custom';

/** Save a text as a file the person picks up from their Downloads. */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function sessionEnds(iso: string | null): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const STORAGE_NOTES: Record<AccountView['tokenStorage'], string> = {
  encrypted: 'Your sign-in is kept encrypted by the system’s keychain.',
  'basic-text':
    'Your sign-in is kept with this desktop’s basic encryption, which other programs running as you could read.',
  'session-only': 'Your sign-in is kept until Todo Sync quits; you sign in again next time.',
};

export function AccountSection({ pendingChanges }: { pendingChanges: number }) {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [provider, setProvider] = useState<string>(SIGN_IN_PROVIDERS[0].id);
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmSignOut, setConfirmSignOut] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const ids = { provider: useId(), custom: useId() };

  useEffect(() => {
    todoSync.getAccount().then(
      (loaded) => {
        setAccount(loaded);
        if (loaded.lastProvider) {
          const known = SIGN_IN_PROVIDERS.some((entry) => entry.id === loaded.lastProvider);
          setProvider(known ? loaded.lastProvider : CUSTOM);
          if (!known) setCustom(loaded.lastProvider);
        }
      },
      (error: unknown) => setProblem(describeError(error)),
    );
  }, []);

  const signIn = async () => {
    const chosen = provider === CUSTOM ? custom.trim() : provider;
    if (!chosen) {
      setProblem('Type the name of the sign-in provider your backend uses.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      setAccount(await todoSync.signIn({ provider: chosen }));
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const signOut = async (confirmUnsyncedChanges: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      setAccount(await todoSync.signOut({ confirmUnsyncedChanges }));
      setConfirmSignOut(null);
      setExported(null);
    } catch (error) {
      if (error instanceof AppError && error.code === 'refused') setConfirmSignOut(error.message);
      else setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const exportUnsynced = async () => {
    try {
      const file = await todoSync.exportUnsynced();
      download(file.suggestedFileName, file.json);
      setExported(`Saved ${plural(file.operationCount, 'change', 'changes')} to ${file.suggestedFileName}.`);
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const allowBasicText = async (allow: boolean) => {
    try {
      setAccount(await todoSync.setBasicTextStorage({ allow }));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  if (!account) {
    return problem ? (
      <p class="form-problem" role="alert">
        {problem}
      </p>
    ) : null;
  }
  const ends = sessionEnds(account.expiresAt);

  return (
    <section class="account-section" aria-labelledby="account-heading" data-testid="account-section">
      <h3 id="account-heading">Account</h3>
      {account.signedIn ? (
        <div class="account-row">
          <p data-testid="signed-in-as">
            Signed in as <strong>{account.userId ?? 'the owner of a pasted token'}</strong>
            {account.origin ? <span class="field-hint"> on {account.origin}</span> : null}
          </p>
          {ends ? <p class="field-hint">The session ends {ends}.</p> : null}
          {confirmSignOut === null ? (
            <button type="button" class="button" disabled={busy} onClick={() => void signOut(false)}>
              Sign out
            </button>
          ) : (
            <div class="confirm" role="group" aria-label="Confirm sign-out">
              <p class="warning-text">
                {pendingChanges > 0
                  ? `${plural(pendingChanges, 'change has', 'changes have')} not reached the server yet. `
                  : `${confirmSignOut} `}
                They stay on this computer and are sent when you sign in again. Export them to keep a copy.
              </p>
              <div class="row-buttons">
                <button type="button" class="button" onClick={() => void exportUnsynced()}>
                  <DownloadIcon />
                  Export unsynced changes
                </button>
                <button type="button" class="button button-danger" onClick={() => void signOut(true)}>
                  Sign out anyway
                </button>
                <button type="button" class="button" onClick={() => setConfirmSignOut(null)}>
                  Cancel
                </button>
              </div>
              {exported ? (
                <p class="field-hint" role="status">
                  {exported}
                </p>
              ) : null}
            </div>
          )}
        </div>
      ) : (
        <div class="account-row">
          <p data-testid="signed-out">Not signed in.</p>
          {account.canSignIn ? (
            <div class="sign-in-row">
              <label for={ids.provider}>Sign in with</label>
              <select
                id={ids.provider}
                class="text-input"
                value={provider}
                onChange={(event) => setProvider(event.currentTarget.value)}
              >
                {SIGN_IN_PROVIDERS.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.label}
                  </option>
                ))}
                <option value={CUSTOM}>Another provider…</option>
              </select>
              {provider === CUSTOM ? (
                <input
                  id={ids.custom}
                  class="text-input"
                  aria-label="Provider name"
                  placeholder="Provider name, e.g. okta"
                  value={custom}
                  onInput={(event) => setCustom(event.currentTarget.value)}
                />
              ) : null}
              <button
                type="button"
                class="button button-primary"
                disabled={busy}
                onClick={() => void signIn()}
              >
                {busy ? 'Waiting for sign-in…' : 'Sign in…'}
              </button>
            </div>
          ) : (
            <p class="field-hint">To sign in, choose a server address first.</p>
          )}
        </div>
      )}
      <p class="field-hint" data-testid="token-storage">
        {STORAGE_NOTES[account.tokenStorage]}
      </p>
      {account.onlyBasicTextEncryption ? (
        <label class="checkbox-line">
          <input
            type="checkbox"
            checked={account.tokenStorage === 'basic-text'}
            onChange={(event) => void allowBasicText(event.currentTarget.checked)}
          />
          This desktop has no keyring: keep my sign-in anyway (basic encryption only)
        </label>
      ) : null}
      {problem ? (
        <p class="form-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
