/** The one toast at the bottom of the window: shown for a while, replaced by the next, dismissable. */
import { useCallback, useRef, useState } from 'preact/hooks';
import { describeError } from '../api';
import type { ToastMessage } from '../components/Toast';
import type { ShowError, ShowToast } from './feedback';

export interface Toasts {
  toast: ToastMessage | null;
  showToast: ShowToast;
  /** An error toast: the prefix says what failed, the error's sentence why. */
  showError: ShowError;
  dismissToast(): void;
}

export function useToast(): Toasts {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);

  const dismissToast = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    setToast(null);
  }, []);

  const showToast = useCallback<ShowToast>((message, durationMs = 4000) => {
    if (timer.current) clearTimeout(timer.current);
    setToast({ ...message, id: ++seq.current });
    timer.current = setTimeout(() => setToast(null), durationMs);
  }, []);

  const showError = useCallback<ShowError>(
    (prefix, error) => showToast({ tone: 'error', text: `${prefix} ${describeError(error)}` }, 8000),
    [showToast],
  );

  return { toast, showToast, showError, dismissToast };
}
