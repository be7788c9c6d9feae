/**
 * One polite live region for what happened (added, completed, deleted, synced, undone): a
 * screen reader hears it once, without the focus moving. The same sentence twice in a row is
 * still announced (a trailing no-break space makes it a change).
 */
import { useCallback, useRef, useState } from 'preact/hooks';

export interface Announcer {
  message: string;
  announce(text: string): void;
}

export function useAnnouncer(): Announcer {
  const [message, setMessage] = useState('');
  const last = useRef('');
  const announce = useCallback((text: string) => {
    const next = text === last.current.trimEnd() && !last.current.endsWith('\u00a0') ? `${text}\u00a0` : text;
    last.current = next;
    setMessage(next);
  }, []);
  return { message, announce };
}
