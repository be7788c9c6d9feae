/**
 * Every keyboard shortcut, in one list: the help dialog shows it, and the README's table says
 * the same. "Mod" is Ctrl, or ⌘ on a Mac.
 */

export interface Shortcut {
  keys: string[];
  action: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

export const SHORTCUT_GROUPS: ShortcutGroup[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { keys: ['Mod+Z'], action: 'Undo the last change' },
      { keys: ['Shift+Mod+Z'], action: 'Redo' },
      { keys: ['Mod+F'], action: 'Search' },
      { keys: ['Mod+R'], action: 'Sync now' },
      { keys: ['?', 'Mod+/'], action: 'Show these shortcuts' },
    ],
  },
  {
    title: 'In the list',
    shortcuts: [
      { keys: ['↑', '↓'], action: 'Move between todos' },
      { keys: ['Page Up', 'Page Down', 'Home', 'End'], action: 'Move a page, or to the first or last todo' },
      { keys: ['Space'], action: 'Complete or reopen (every selected todo)' },
      { keys: ['Enter'], action: 'Open details and notes' },
      { keys: ['F2'], action: 'Rename in place (double-click also)' },
      { keys: ['Delete', 'Backspace'], action: 'Delete (every selected todo)' },
      { keys: ['Shift+↑', 'Shift+↓', 'Shift+Click'], action: 'Select a range' },
      { keys: ['Mod+Click'], action: 'Add to or remove from the selection' },
      { keys: ['Mod+A'], action: 'Select every todo in view' },
      { keys: ['Esc'], action: 'Clear the selection' },
    ],
  },
  {
    title: 'Editing',
    shortcuts: [
      { keys: ['Enter'], action: 'Add the todo, or save the rename' },
      { keys: ['Esc'], action: 'Cancel a rename, close details or a dialog' },
    ],
  },
];

export function isMacPlatform(): boolean {
  const nav = globalThis.navigator as (Navigator & { userAgentData?: { platform?: string } }) | undefined;
  const platform = nav?.userAgentData?.platform ?? nav?.platform ?? '';
  return /mac/i.test(platform);
}

/** "Mod+Z" → "Ctrl+Z", or "⌘Z" on a Mac. */
export function keyLabel(key: string, mac = isMacPlatform()): string {
  if (!mac) return key.replace(/Mod/g, 'Ctrl');
  return key
    .replace(/Shift\+/g, '⇧')
    .replace(/Mod\+/g, '⌘')
    .replace(/Mod/g, '⌘');
}
