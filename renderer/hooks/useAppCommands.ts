/**
 * The app-wide commands, from the keyboard and from the menu: undo, redo, select all and the
 * shortcuts help. Text fields and open dialogs keep their own keys; a menu command that is the
 * echo of a key already handled is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AppCommand } from '../../common/ipc-contract';
import { todoSync } from '../api';
import { useLatest } from './useLatest';
import type { Selection } from './useSelection';

/** A menu command arriving this soon after the same key was handled is that key's echo. */
const MENU_ECHO_MS = 400;

export interface ShortcutsHelpState {
  shortcutsOpen: boolean;
  setShortcutsOpen(open: boolean): void;
}

interface CommandOptions {
  runUndo(): void;
  runRedo(): void;
  selection: Selection;
  announce(text: string): void;
  showError(prefix: string, error: unknown): void;
}

function isTyping(target: EventTarget | null): boolean {
  const element = target instanceof Element ? target : document.activeElement;
  return Boolean(element?.closest('input, textarea, select, [contenteditable="true"]'));
}

function dialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

/** The command a key press asks for, if any. */
export function commandOfKey(
  event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'key'>,
): AppCommand | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y' && !event.shiftKey) return 'redo';
  if (mod && key === 'a' && !event.shiftKey) return 'select-all';
  if ((mod && key === '/') || (!mod && event.key === '?')) return 'show-shortcuts';
  return null;
}

export function useAppCommands({
  runUndo,
  runRedo,
  selection,
  announce,
  showError,
}: CommandOptions): ShortcutsHelpState {
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const latestSelection = useLatest(selection);
  const lastKey = useRef<{ command: AppCommand; at: number } | null>(null);

  const runCommand = useCallback(
    (command: AppCommand, fromMenu: boolean) => {
      const typing = isTyping(null);
      if (command === 'show-shortcuts') {
        setShortcutsOpen(true);
        return;
      }
      if (typing || dialogOpen()) {
        // In a text field the menu's Undo, Redo and Select All act on the text, as their roles did.
        if (fromMenu && typing) document.execCommand(command === 'select-all' ? 'selectAll' : command);
        return;
      }
      if (command === 'undo') runUndo();
      else if (command === 'redo') runRedo();
      else if (command === 'select-all') {
        void latestSelection.current.selectAll().then(
          () => announce('Selected every todo in view.'),
          (error: unknown) => showError('Could not select every todo.', error),
        );
      }
    },
    [announce, runRedo, runUndo, showError],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) return;
      const command = commandOfKey(event);
      if (!command) return;
      // Text fields keep their own undo, select-all and "?".
      if (isTyping(event.target) || (dialogOpen() && command !== 'show-shortcuts')) return;
      if (command === 'show-shortcuts' && dialogOpen()) return;
      event.preventDefault();
      lastKey.current = { command, at: performance.now() };
      runCommand(command, false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runCommand]);

  useEffect(
    () =>
      todoSync.onCommand(({ command }) => {
        // In Electron a menu accelerator can fire after the page already handled the same key.
        const echo = lastKey.current;
        if (echo && echo.command === command && performance.now() - echo.at < MENU_ECHO_MS) return;
        runCommand(command, true);
      }),
    [runCommand],
  );

  return { shortcutsOpen, setShortcutsOpen };
}
