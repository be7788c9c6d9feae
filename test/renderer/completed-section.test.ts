import { describe, expect, it } from 'vitest';
import { sectionLayout } from '../../renderer/hooks/useCompletedSection';
import { keyLabel, SHORTCUT_GROUPS } from '../../renderer/shortcuts';

describe('sectionLayout', () => {
  it('puts the Completed header after the active todos, with the completed ones below when open', () => {
    expect(sectionLayout(3, 2, false)).toEqual({ headerIndex: 3, total: 6 });
    expect(sectionLayout(0, 2, false)).toEqual({ headerIndex: 0, total: 3 });
  });

  it('ends the list at the header when collapsed, and has no header without completed todos', () => {
    expect(sectionLayout(3, 2, true)).toEqual({ headerIndex: 3, total: 4 });
    expect(sectionLayout(3, 0, false)).toEqual({ headerIndex: null, total: 3 });
    expect(sectionLayout(0, 0, true)).toEqual({ headerIndex: null, total: 0 });
  });
});

describe('shortcut labels', () => {
  it('says Ctrl off a Mac and the Mac symbols on one', () => {
    expect(keyLabel('Shift+Mod+Z', false)).toBe('Shift+Ctrl+Z');
    expect(keyLabel('Shift+Mod+Z', true)).toBe('⇧⌘Z');
    expect(keyLabel('Mod+Click', true)).toBe('⌘Click');
    expect(keyLabel('?', true)).toBe('?');
  });

  it('lists each action once', () => {
    const actions = SHORTCUT_GROUPS.flatMap((group) =>
      group.shortcuts.map((s) => `${group.title}: ${s.action}`),
    );
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions.length).toBeGreaterThanOrEqual(15);
  });
});
