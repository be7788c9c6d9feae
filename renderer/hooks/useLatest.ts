import type { RefObject } from 'preact';
import { useRef } from 'preact/hooks';

/** A ref holding this render's value, so a stable callback can read what is current. */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
