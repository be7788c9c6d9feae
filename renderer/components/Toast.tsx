/** One message at a time at the bottom of the window, with an optional action (Undo, Retry). */
export interface ToastMessage {
  id: number;
  text: string;
  tone: 'info' | 'error';
  action?: { label: string; run(): void };
}

export function Toast({ toast, onDismiss }: { toast: ToastMessage | null; onDismiss(): void }) {
  return (
    <div class="toast-region" role="status" aria-live="polite" aria-atomic="true">
      {toast ? (
        <div class={`toast toast-${toast.tone}`} key={toast.id} data-testid="toast">
          <span class="toast-text">{toast.text}</span>
          {toast.action ? (
            <button
              type="button"
              class="toast-action"
              onClick={() => {
                toast.action?.run();
                onDismiss();
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
          <button type="button" class="toast-close" aria-label="Dismiss message" onClick={onDismiss}>
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
