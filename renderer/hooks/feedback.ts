/** How the features tell the person what happened: a toast to see, a sentence to hear. */
import type { ToastMessage } from '../components/Toast';

export type ShowToast = (message: Omit<ToastMessage, 'id'>, durationMs?: number) => void;
export type ShowError = (prefix: string, error: unknown) => void;

export interface Feedback {
  announce(text: string): void;
  showToast: ShowToast;
  showError: ShowError;
}
