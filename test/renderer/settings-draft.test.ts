import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../common/sync-types';
import { changedPatches, draftFrom, draftProblems } from '../../renderer/settings-draft';

const stored: SettingsView = {
  backendUrl: 'https://todo.example',
  syncIntervalMinutes: 5,
  conflictPolicy: 'merge',
  workOffline: false,
  hasAuthToken: true,
};

describe('settings draft', () => {
  it('starts from the stored settings with the token field empty', () => {
    expect(draftFrom(stored)).toEqual({
      backendUrl: 'https://todo.example',
      syncIntervalMinutes: '5',
      conflictPolicy: 'merge',
      workOffline: false,
      authToken: '',
      clearToken: false,
    });
    expect(draftFrom({ ...stored, backendUrl: null }).backendUrl).toBe('');
  });

  it('sends nothing for an untouched draft', () => {
    expect(changedPatches(stored, draftFrom(stored))).toEqual([]);
    // Spaces around the address, and an empty token field, are not changes.
    expect(changedPatches(stored, { ...draftFrom(stored), backendUrl: ' https://todo.example ' })).toEqual(
      [],
    );
  });

  it('sends one patch per changed field, in the form’s order', () => {
    const draft = {
      backendUrl: '',
      syncIntervalMinutes: '15',
      conflictPolicy: 'ask' as const,
      workOffline: true,
      authToken: ' abc ',
      clearToken: false,
    };
    expect(changedPatches(stored, draft)).toEqual([
      ['backendUrl', { backendUrl: null }],
      ['syncIntervalMinutes', { syncIntervalMinutes: 15 }],
      ['conflictPolicy', { conflictPolicy: 'ask' }],
      ['workOffline', { workOffline: true }],
      ['authToken', { authToken: 'abc' }],
    ]);
  });

  it('removes the saved token when asked, whatever the token field holds', () => {
    expect(changedPatches(stored, { ...draftFrom(stored), clearToken: true, authToken: 'x' })).toEqual([
      ['authToken', { authToken: null }],
    ]);
  });

  it('refuses an interval that is not whole minutes from 1 to 1440', () => {
    for (const value of ['0', '1441', '2.5', 'abc']) {
      expect(draftProblems({ ...draftFrom(stored), syncIntervalMinutes: value })).toHaveProperty(
        'syncIntervalMinutes',
        'Choose a whole number of minutes from 1 to 1440.',
      );
    }
    for (const value of ['1', '1440', '30']) {
      expect(draftProblems({ ...draftFrom(stored), syncIntervalMinutes: value })).toEqual({});
    }
  });
});
