/**
 * The mechanics of a virtual list with fixed-height rows: which rows the viewport shows (plus
 * a margin), and the one row that is the tab stop (roving tabindex), whose focus survives the
 * row being re-rendered away.
 */
import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ROW_HEIGHT } from '../components/TodoRow';

const OVERSCAN_ROWS = 6;

/** The list's rows as the window needs them: how many, and which ones to load. */
interface RowSource {
  readonly total: number;
  setVisibleRange(first: number, last: number): void;
}

/** The rows in view, from the scroll position and the viewport's height (pages load as they come into view). */
export function useVirtualWindow(rows: RowSource, viewport: RefObject<HTMLDivElement | null>) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const scrollFrame = useRef(0);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(rows.total - 1, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);

  useEffect(() => {
    rows.setVisibleRange(first, Math.max(first, last));
  }, [rows, first, last]);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    setViewportHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useEffect(() => () => cancelAnimationFrame(scrollFrame.current), []);

  /** At most one re-render a frame, however fast the wheel turns. */
  const onScroll = () => {
    if (scrollFrame.current) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = 0;
      if (viewport.current) setScrollTop(viewport.current.scrollTop);
    });
  };

  /** Scrolls as little as it takes to show the row at `index` whole. */
  const scrollIntoView = (index: number) => {
    const element = viewport.current;
    if (!element) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    }
    setScrollTop(element.scrollTop);
  };

  const scrollToTop = () => {
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
  };

  return { first, last, viewportHeight, onScroll, scrollIntoView, scrollToTop };
}

function focusIndex(viewport: RefObject<HTMLDivElement | null>, index: number): void {
  viewport.current?.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus({ preventScroll: true });
}

/**
 * The active row (the list's tab stop). Keyboard focus belongs in the list once it was there:
 * when the focused row is re-rendered away, focus goes back to the active row, unless a row is
 * being edited (`editingId`).
 */
export function useRovingFocus(
  viewport: RefObject<HTMLDivElement | null>,
  total: number,
  editingId: string | null,
  scrollIntoView: (index: number) => void,
) {
  const [activeIndex, setActiveIndex] = useState(0);
  const keepFocus = useRef(false);
  // Rows can vanish under the cursor (completed while filtering Active, deleted elsewhere).
  const active = total === 0 ? 0 : Math.min(activeIndex, total - 1);

  const activeRef = useRef(active);
  activeRef.current = active;
  const editingRef = useRef(editingId);
  editingRef.current = editingId;

  /** Puts focus back on the active row when it fell out of the list (its element was re-rendered away). */
  const restoreFocus = useCallback(() => {
    const element = viewport.current;
    if (!element || !keepFocus.current || editingRef.current !== null) return;
    if (element.contains(document.activeElement) && document.activeElement !== element) return;
    focusIndex(viewport, activeRef.current);
  }, []);

  useLayoutEffect(restoreFocus);

  /** The focus stays in the list through the next re-render (a key, a finished edit). */
  const holdFocus = useCallback(() => {
    keepFocus.current = true;
  }, []);

  /** `index` becomes the active row, and the list keeps the focus. */
  const focusRow = useCallback((index: number) => {
    keepFocus.current = true;
    setActiveIndex(index);
  }, []);

  /** Moves the active row and the focus to `index` (bounded), scrolling it into view. */
  const moveTo = (index: number) => {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, index));
    focusRow(next);
    scrollIntoView(next);
    // The row may already be in the DOM: move focus now so a fast key repeat keeps up.
    focusIndex(viewport, next);
  };

  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget as Node | null;
    if (next) {
      if (!viewport.current?.contains(next)) keepFocus.current = false;
      return;
    }
    // No new target: a click on nothing, the window losing focus, or the focused element being
    // removed (a finished edit, a row that left the filter). Only the last keeps focus here.
    const from = event.target as HTMLElement;
    requestAnimationFrame(() => {
      const dropped =
        !from.isConnected && (document.activeElement === document.body || !document.activeElement);
      keepFocus.current = dropped;
      if (dropped) restoreFocus();
    });
  };

  return { active, setActiveIndex, holdFocus, focusRow, moveTo, onFocusOut };
}
