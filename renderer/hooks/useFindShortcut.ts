/** Ctrl/Cmd+F puts the caret in the search field inside `area`. */
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

export function useFindShortcut(area: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const modifier = event.ctrlKey || event.metaKey;
      if (!modifier || event.altKey) return;
      if (event.key.toLowerCase() === 'f') {
        event.preventDefault();
        area.current?.querySelector('input')?.focus();
      }
      // Ctrl/Cmd+Z undoes through everyday.undo (useAppCommands), a pending delete included.
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
