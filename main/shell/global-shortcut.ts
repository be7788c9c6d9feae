/**
 * Quick add's global shortcut. Registration can fail: another app holds the keys, or the
 * platform does not allow it (Wayland without a portal). The person is told why, in Settings,
 * instead of the shortcut silently doing nothing.
 */
import { globalShortcut } from 'electron';

export interface ShortcutRegistration {
  /** Null when it works or is off; otherwise a sentence for Settings. */
  readonly problem: string | null;
  /** Registers another accelerator instead (null turns it off). */
  change(accelerator: string | null): string | null;
  dispose(): void;
}

export function registerQuickAddShortcut(
  accelerator: string | null,
  onPress: () => void,
): ShortcutRegistration {
  let current: string | null = null;
  let problem: string | null = null;

  const apply = (next: string | null): string | null => {
    if (current) globalShortcut.unregister(current);
    current = null;
    problem = null;
    if (next === null) return null;
    let ok: boolean;
    try {
      ok = globalShortcut.register(next, onPress);
    } catch (error) {
      problem = `${next} cannot be used as a shortcut (${error instanceof Error ? error.message : String(error)}).`;
      return problem;
    }
    if (!ok) {
      problem = `${next} is already used by another app or by the system. Choose another shortcut.`;
      return problem;
    }
    current = next;
    return null;
  };

  apply(accelerator);
  return {
    get problem() {
      return problem;
    },
    change: apply,
    dispose: () => {
      if (current) globalShortcut.unregister(current);
      current = null;
    },
  };
}
