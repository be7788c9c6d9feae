import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  fitWindowState,
  loadWindowState,
  MIN_WINDOW_SIZE,
  saveWindowState,
  WINDOW_STATE_FILE,
} from '../../../main/shell/window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 877 };
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1400 };

describe('fitWindowState', () => {
  it('keeps a saved state that fits', () => {
    expect(fitWindowState({ x: 100, y: 50, width: 900, height: 600, maximized: false }, [laptop])).toEqual({
      x: 100,
      y: 50,
      width: 900,
      height: 600,
      maximized: false,
    });
  });

  it('keeps a position on a second monitor while that monitor exists', () => {
    const saved = { x: 2000, y: 0, width: 1200, height: 800, maximized: true };
    expect(fitWindowState(saved, [laptop, rightMonitor])).toEqual(saved);
    // Unplugged: the size stays, the OS picks the position.
    expect(fitWindowState(saved, [laptop])).toEqual({ width: 1200, height: 800, maximized: true });
  });

  it('drops a position that leaves too little of the window on any screen', () => {
    const state = fitWindowState({ x: 1400, y: 100, width: 800, height: 600, maximized: false }, [laptop]);
    expect(state.x).toBeUndefined();
    expect(state.y).toBeUndefined();
  });

  it('moves a title bar that is above its screen back down', () => {
    expect(fitWindowState({ x: 10, y: -40, width: 800, height: 600, maximized: false }, [laptop]).y).toBe(0);
  });

  it('shrinks a window larger than every screen and grows one below the minimum', () => {
    const big = fitWindowState({ x: 0, y: 0, width: 5000, height: 4000, maximized: false }, [laptop]);
    expect([big.width, big.height]).toEqual([laptop.width, laptop.height]);
    const small = fitWindowState({ width: 10, height: 10, maximized: false }, [laptop]);
    expect([small.width, small.height]).toEqual([MIN_WINDOW_SIZE.width, MIN_WINDOW_SIZE.height]);
  });

  it.each<[string, unknown]>([
    ['nothing saved', null],
    ['a string', 'big'],
    ['non-numbers', { x: '1', y: 2, width: 800, height: 600 }],
    ['NaN', { width: Number.NaN, height: 600 }],
    ['fractions', { width: 800.5, height: 600 }],
    ['absurd coordinates', { x: 1e9, y: 0, width: 800, height: 600 }],
    ['a zero size', { width: 0, height: 600 }],
  ])('falls back to the default for %s', (_label, saved) => {
    expect(fitWindowState(saved, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('uses the default when no screen is known', () => {
    expect(fitWindowState({ width: 900, height: 600, maximized: false }, [])).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('loading and saving', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through the file, rounding fractional pixels', () => {
    saveWindowState(dir, { x: 10.4, y: 20.6, width: 900, height: 700 }, true);
    expect(JSON.parse(readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8'))).toEqual({
      x: 10,
      y: 21,
      width: 900,
      height: 700,
      maximized: true,
    });
    expect(loadWindowState(dir, [laptop])).toEqual({
      x: 10,
      y: 21,
      width: 900,
      height: 700,
      maximized: true,
    });
  });

  it('treats a missing or damaged file as no saved state', () => {
    expect(loadWindowState(dir, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"x": 1, "wid');
    expect(loadWindowState(dir, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('creates the folder on first save', () => {
    const nested = path.join(dir, 'fresh', 'user-data');
    saveWindowState(nested, { x: 0, y: 0, width: 800, height: 600 }, false);
    expect(loadWindowState(nested, [laptop]).width).toBe(800);
  });
});
