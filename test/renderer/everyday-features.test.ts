import { describe, expect, it } from 'vitest';
import { commandOfKey } from '../../renderer/hooks/useAppCommands';
import { syncEndedSentence } from '../../renderer/hooks/useSyncAnnouncements';

describe('syncEndedSentence', () => {
  const syncing = { pending: 2, error: null, syncing: true };

  it('says nothing unless a sync was running and has stopped', () => {
    expect(syncEndedSentence(null, { pending: 0, error: null, syncing: false })).toBeNull();
    expect(syncEndedSentence(syncing, syncing)).toBeNull();
    const idle = { pending: 0, error: null, syncing: false };
    expect(syncEndedSentence(idle, idle)).toBeNull();
  });

  it('tells a failure, an emptied queue, and changes still waiting apart', () => {
    expect(syncEndedSentence(syncing, { pending: 2, error: 'Offline.', syncing: false })).toBe(
      'Sync did not finish: Offline.',
    );
    expect(syncEndedSentence(syncing, { pending: 0, error: null, syncing: false })).toBe(
      'Synced: every change is on the server.',
    );
    expect(syncEndedSentence(syncing, { pending: 1, error: null, syncing: false })).toBe(
      'Synced. 1 change is still waiting.',
    );
    expect(syncEndedSentence({ ...syncing, pending: 0 }, { pending: 0, error: null, syncing: false })).toBe(
      'Synced.',
    );
  });
});

describe('commandOfKey', () => {
  const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  });

  it('maps the undo, redo, select-all and help keys', () => {
    expect(commandOfKey(key('z', { ctrlKey: true }))).toBe('undo');
    expect(commandOfKey(key('Z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(commandOfKey(key('y', { ctrlKey: true }))).toBe('redo');
    expect(commandOfKey(key('a', { ctrlKey: true }))).toBe('select-all');
    expect(commandOfKey(key('/', { ctrlKey: true }))).toBe('show-shortcuts');
    expect(commandOfKey(key('?', { shiftKey: true }))).toBe('show-shortcuts');
  });

  it('leaves other keys alone', () => {
    expect(commandOfKey(key('z'))).toBeNull();
    expect(commandOfKey(key('a', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(commandOfKey(key('y', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});
