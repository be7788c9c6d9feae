/**
 * The Completed section: in the All view the list asks for active todos first, then completed
 * ones (`completedLast`), and this wraps the list's data so that one extra row, the section's
 * header, sits between the two. Collapsed, the list ends at the header.
 *
 * Display index → data index: rows before the header are the same; rows after it are one less.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { TodoListItem } from '../../common/ipc-contract';
import type { TodoWindow } from './useTodoWindow';

const STORAGE_KEY = 'todo-sync.completed-collapsed';

export interface SectionedWindow extends TodoWindow {
  /** The display index of the Completed header, or null when there is none. */
  headerIndex: number | null;
  completedCount: number;
  collapsed: boolean;
  setCollapsed(collapsed: boolean): void;
  /** The data index behind a display index (null for the header). */
  dataIndexOf(displayIndex: number): number | null;
}

function readCollapsed(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'true';
  } catch {
    return false;
  }
}

export function sectionLayout(
  active: number,
  completed: number,
  collapsed: boolean,
): { headerIndex: number | null; total: number } {
  if (completed === 0) return { headerIndex: null, total: active };
  return { headerIndex: active, total: active + 1 + (collapsed ? 0 : completed) };
}

export function useCompletedSection(data: TodoWindow, enabled: boolean): SectionedWindow {
  const [collapsed, setCollapsedState] = useState(readCollapsed);
  const setCollapsed = useCallback((next: boolean) => {
    setCollapsedState(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, String(next));
    } catch {
      // A private window without storage: the choice lasts until the app closes.
    }
  }, []);

  const active = data.counts.active;
  const completed = data.counts.completed;
  return useMemo<SectionedWindow>(() => {
    if (!enabled || data.total !== active + completed) {
      // Another view, or counts and rows from different moments: no section this render.
      return {
        ...data,
        headerIndex: null,
        completedCount: enabled ? completed : 0,
        collapsed,
        setCollapsed,
        dataIndexOf: (index) => index,
      };
    }
    const { headerIndex, total } = sectionLayout(active, completed, collapsed);
    const dataIndexOf = (index: number): number | null => {
      if (headerIndex === null || index < headerIndex) return index;
      if (index === headerIndex) return null;
      return index - 1;
    };
    return {
      ...data,
      total,
      headerIndex,
      completedCount: completed,
      collapsed,
      setCollapsed,
      dataIndexOf,
      rowAt: (index: number): TodoListItem | undefined => {
        const dataIndex = dataIndexOf(index);
        return dataIndex === null ? undefined : data.rowAt(dataIndex);
      },
      setVisibleRange: (first: number, last: number) => {
        const from = dataIndexOf(first) ?? first;
        const to = dataIndexOf(last) ?? Math.max(0, last - 1);
        data.setVisibleRange(from, Math.min(Math.max(from, to), Math.max(0, data.total - 1)));
      },
    };
  }, [data, enabled, active, completed, collapsed, setCollapsed]);
}
