/**
 * The state behind Settings' Account part: the account as main reports it, the provider picked
 * for the next sign-in (the last one used, preselected), and the actions: sign in, sign out
 * (refused at first while changes wait, which turns into a question), export those changes,
 * and allow the basic-text keeping of the sign-in.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AccountView } from '../../common/ipc-contract';
import { SIGN_IN_PROVIDERS } from '../../common/sign-in-providers';
import { AppError, describeError, todoSync } from '../api';
import { useUnsyncedExport } from './useUnsyncedExport';

/** The provider choice that means "the name typed in the field beside it". */
export const CUSTOM_PROVIDER = 'custom';

export function useAccount() {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [provider, setProvider] = useState<string>(SIGN_IN_PROVIDERS[0].id);
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  /** Main's reason for refusing the sign-out, while the person is asked about it. */
  const [confirmSignOut, setConfirmSignOut] = useState<string | null>(null);
  const { exported, setExported, exportUnsynced } = useUnsyncedExport(setProblem);

  useEffect(() => {
    todoSync.getAccount().then(
      (loaded) => {
        setAccount(loaded);
        if (loaded.lastProvider) {
          const known = SIGN_IN_PROVIDERS.some((entry) => entry.id === loaded.lastProvider);
          setProvider(known ? loaded.lastProvider : CUSTOM_PROVIDER);
          if (!known) setCustom(loaded.lastProvider);
        }
      },
      (error: unknown) => setProblem(describeError(error)),
    );
  }, []);

  const signIn = async () => {
    const chosen = provider === CUSTOM_PROVIDER ? custom.trim() : provider;
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

  const allowBasicText = async (allow: boolean) => {
    try {
      setAccount(await todoSync.setBasicTextStorage({ allow }));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  return {
    account,
    problem,
    busy,
    provider,
    setProvider,
    custom,
    setCustom,
    signIn,
    signOut,
    confirmSignOut,
    cancelSignOut: () => setConfirmSignOut(null),
    exported,
    exportUnsynced,
    allowBasicText,
  };
}
