/**
 * Events from main that are not about the list itself: a sentence for the person (a server
 * that does not store due dates) and a todo to show (a clicked reminder). The callbacks are
 * read through a ref so that subscribing happens once.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { TodoListItem } from '../../common/ipc-contract';
import { todoSync } from '../api';

interface DesktopEventHandlers {
  showNotice(message: string): void;
  openTodo(item: TodoListItem): void;
}

export function useDesktopEvents(handlers: DesktopEventHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const stops = [
      todoSync.onNotice(({ message }) => latest.current.showNotice(message)),
      todoSync.onRevealTodo(({ item }) => latest.current.openTodo({ ...item, pending: false, issue: null })),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, []);
}
