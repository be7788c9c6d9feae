/** Live app state pushed from the main process: the sync status and "the data changed". */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SyncStatus } from '../../common/sync-types';
import { todoSync } from '../api';

/** The latest status; null until the first reply. */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    let pushed = false;
    const unsubscribe = todoSync.onStatusChanged((next) => {
      pushed = true;
      setStatus(next);
    });
    todoSync.getStatus().then(
      (initial) => {
        // An event that arrived meanwhile is newer than this reply.
        if (live && !pushed) setStatus(initial);
      },
      () => undefined,
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);
  return status;
}

/**
 * A counter that increases when todos change anywhere (this window, a sync, another window).
 * Bursts (a pull writes page after page) are coalesced so the list refetches at most every `throttleMs`.
 */
export function useDataVersion(throttleMs = 150): [number, () => void] {
  const [version, setVersion] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const bump = useRef(() => setVersion((v) => v + 1));

  useEffect(() => {
    const unsubscribe = todoSync.onDataChanged(() => {
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        bump.current();
      }, throttleMs);
    });
    return () => {
      unsubscribe();
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [throttleMs]);

  return [version, bump.current];
}

/** The current time, refreshed every `intervalMs`, for "2 min ago" labels. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
