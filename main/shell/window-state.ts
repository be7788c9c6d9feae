/**
 * Remembering the window's size and position between launches, in a small JSON file in the
 * user-data folder. Pure Node (no Electron): the shell passes the displays' work areas in.
 *
 * A saved position is only reused when enough of the window would be on a screen that exists
 * now (a monitor may have been unplugged); otherwise the size is kept and the OS centres it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  /** Absent: let the OS place the window. */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1024, height: 720, maximized: false };
export const MIN_WINDOW_SIZE = { width: 480, height: 360 } as const;
/** How much of the window must be on a screen for its saved position to be reused. */
const MIN_VISIBLE = { width: 200, height: 100 } as const;

const coordinate = z.number().int().min(-100_000).max(100_000);
const windowStateSchema = z.object({
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  x: coordinate.optional(),
  y: coordinate.optional(),
  maximized: z.boolean().default(false),
});

export const WINDOW_STATE_FILE = 'window-state.json';

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

/**
 * The state to open the window with: the saved one when it still fits the current screens,
 * adjusted when it needs to be, the default otherwise.
 */
export function fitWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const parsed = windowStateSchema.safeParse(saved);
  if (!parsed.success || workAreas.length === 0) return { ...DEFAULT_WINDOW_STATE };
  const state = parsed.data;

  const largest = workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const width = clamp(state.width, MIN_WINDOW_SIZE.width, largest.width);
  const height = clamp(state.height, MIN_WINDOW_SIZE.height, largest.height);
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;

  const rect = { x: state.x, y: state.y, width, height };
  const home = workAreas.find((area) => {
    const visible = overlap(rect, area);
    return visible.width >= MIN_VISIBLE.width && visible.height >= MIN_VISIBLE.height;
  });
  if (!home) return fitted;

  // Keep the title bar reachable: never above the top of its screen.
  return {
    ...fitted,
    width: Math.min(width, home.width),
    height: Math.min(height, home.height),
    x: rect.x,
    y: Math.max(rect.y, home.y),
  };
}

/** Reads the saved state; a missing or damaged file means "no saved state". */
export function loadWindowState(userDataDir: string, workAreas: readonly Rect[]): WindowState {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(path.join(userDataDir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    saved = null;
  }
  return fitWindowState(saved, workAreas);
}

/** Writes through a temporary file so a crash mid-write cannot leave half a file behind. */
export function saveWindowState(userDataDir: string, bounds: Rect, maximized: boolean): void {
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized,
  };
  mkdirSync(userDataDir, { recursive: true });
  const file = path.join(userDataDir, WINDOW_STATE_FILE);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}
