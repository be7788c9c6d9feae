/**
 * An accessible modal on the native <dialog>: showModal() makes the rest of the page inert,
 * Tab is kept inside, Esc closes without choosing, and focus returns where it came from.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { CloseIcon } from './Icons';

interface ModalProps {
  title: string;
  /** A sentence under the title; also the dialog's accessible description. */
  description?: ComponentChildren;
  onClose(): void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
  /** The element to focus first (defaults to the first focusable one in the body). */
  initialFocus?: string;
  testId?: string;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => element.offsetParent !== null || element === document.activeElement,
  );
}

/**
 * Shows `element` as a modal and focuses its first field; returns what undoes it: closed, with
 * focus back where it came from. `onClose` is every way the person can dismiss it.
 */
function openModal(
  element: HTMLDialogElement,
  initialFocus: string | undefined,
  onClose: () => void,
): () => void {
  const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  element.showModal();
  const first =
    (initialFocus ? element.querySelector<HTMLElement>(initialFocus) : null) ??
    focusableIn(element.querySelector('.modal-body') ?? element)[0] ??
    focusableIn(element)[0];
  first?.focus();

  // Chromium closes a dialog on a second Esc even when cancel is prevented; keep state in step.
  const onCancel = (event: Event) => {
    event.preventDefault();
    onClose();
  };
  element.addEventListener('close', onClose);
  element.addEventListener('cancel', onCancel);
  return () => {
    element.removeEventListener('close', onClose);
    element.removeEventListener('cancel', onCancel);
    if (element.open) element.close();
    if (returnFocusTo?.isConnected) returnFocusTo.focus();
  };
}

/** Tab from the last focusable element goes to the first, Shift+Tab from the first to the last. */
function keepTabInside(event: KeyboardEvent, element: HTMLElement): void {
  const focusables = focusableIn(element);
  const first = focusables[0];
  const last = focusables[focusables.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

export function Modal({
  title,
  description,
  onClose,
  children,
  footer,
  wide,
  initialFocus,
  testId,
}: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(
    () => (dialog.current ? openModal(dialog.current, initialFocus, () => onCloseRef.current()) : undefined),
    // Opening happens once per mount; later prop changes must not re-open or steal focus.
    [],
  );

  const onKeyDown = (event: KeyboardEvent) => {
    const element = dialog.current;
    if (!element) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCloseRef.current();
    } else if (event.key === 'Tab') {
      keepTabInside(event, element);
    }
  };

  return (
    <dialog
      ref={dialog}
      class={wide ? 'modal modal-wide' : 'modal'}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      <header class="modal-header">
        <div>
          <h2 id={titleId} class="modal-title">
            {title}
          </h2>
          {description ? (
            <p id={descriptionId} class="modal-description">
              {description}
            </p>
          ) : null}
        </div>
        <button type="button" class="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
          <CloseIcon />
        </button>
      </header>
      <div class="modal-body">{children}</div>
      {footer ? <footer class="modal-footer">{footer}</footer> : null}
    </dialog>
  );
}
