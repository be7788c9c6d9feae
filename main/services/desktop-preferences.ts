/**
 * The desktop preferences: the quick-add shortcut and whether closing the window keeps the
 * app in the tray. They are the shell's to apply (main/shell/desktop.ts registers the shortcut
 * and reports back whether that worked); they are kept here, in the store, so that Settings
 * reads and writes them through the contract like everything else.
 *
 * One instance per key-value store (the handlers and the shell must see the same listeners).
 */
import type { DesktopPreferences, DesktopPreferencesView } from '../../common/ipc-contract';
import type { KeyValueStore } from '../store/types';
import { ServiceError } from './errors';

export const DEFAULT_QUICK_ADD_SHORTCUT = 'CmdOrCtrl+Shift+Space';
const STORE_KEY = 'desktop.preferences';

export const DEFAULT_DESKTOP_PREFERENCES: DesktopPreferences = {
  quickAddShortcut: DEFAULT_QUICK_ADD_SHORTCUT,
  keepInTray: false,
};

/** An Electron accelerator: modifiers and one key, joined by "+". */
const MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);
const KEY =
  /^(?:[A-Za-z0-9]|F(?:[1-9]|1\d|2[0-4])|Space|Tab|Backspace|Delete|Insert|Return|Enter|Up|Down|Left|Right|Home|End|PageUp|PageDown|Escape|Esc|Plus|[`\-=[\];',./\\])$/;

/** Why `accelerator` is not a shortcut Electron can register, or null. */
export function acceleratorProblem(accelerator: string): string | null {
  const parts = accelerator.split('+').map((part) => part.trim());
  const key = parts.at(-1) ?? '';
  const modifiers = parts.slice(0, -1);
  if (modifiers.length === 0)
    return 'A global shortcut needs at least one modifier (Ctrl, Alt, Shift or Cmd).';
  if (modifiers.some((modifier) => !MODIFIERS.has(modifier.toLowerCase()))) {
    return `“${accelerator}” is not a shortcut: use modifiers such as CmdOrCtrl, Alt and Shift, then one key.`;
  }
  if (!KEY.test(key)) return `“${key}” is not a key a shortcut can use.`;
  return null;
}

export class DesktopPreferencesService {
  private readonly listeners = new Set<(preferences: DesktopPreferences) => void>();
  /** Set by the shell after it tried to register the shortcut. */
  private shortcutProblem: string | null = null;

  constructor(private readonly keyValues: KeyValueStore) {}

  get(): DesktopPreferences {
    const saved = this.keyValues.get(STORE_KEY);
    const value = saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : {};
    const shortcut = (value as Record<string, unknown>).quickAddShortcut;
    const keep = (value as Record<string, unknown>).keepInTray;
    return {
      quickAddShortcut:
        shortcut === null || (typeof shortcut === 'string' && acceleratorProblem(shortcut) === null)
          ? shortcut
          : DEFAULT_QUICK_ADD_SHORTCUT,
      keepInTray: typeof keep === 'boolean' ? keep : false,
    };
  }

  view(): DesktopPreferencesView {
    return { ...this.get(), shortcutProblem: this.shortcutProblem };
  }

  update(patch: Partial<DesktopPreferences>): DesktopPreferencesView {
    if (typeof patch.quickAddShortcut === 'string') {
      const problem = acceleratorProblem(patch.quickAddShortcut);
      if (problem) throw new ServiceError('invalid-request', problem, [`quickAddShortcut: ${problem}`]);
    }
    const next = { ...this.get(), ...patch };
    this.keyValues.set(STORE_KEY, { ...next });
    for (const listener of this.listeners) listener(next);
    return this.view();
  }

  /** The shell reports whether the shortcut could be registered (null: it works, or it is off). */
  setShortcutProblem(problem: string | null): void {
    this.shortcutProblem = problem;
  }

  onChange(listener: (preferences: DesktopPreferences) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const instances = new WeakMap<KeyValueStore, DesktopPreferencesService>();

export function desktopPreferencesOf(keyValues: KeyValueStore): DesktopPreferencesService {
  let service = instances.get(keyValues);
  if (!service) {
    service = new DesktopPreferencesService(keyValues);
    instances.set(keyValues, service);
  }
  return service;
}
