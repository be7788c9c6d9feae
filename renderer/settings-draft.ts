/**
 * Settings as the form edits them (text as typed, the token field empty for "keep the saved
 * one"), and what a save sends: one patch per changed field, so a refusal lands under the field
 * it concerns and the fields that were fine still take effect.
 */
import type { SettingsPatch } from '../common/ipc-contract';
import type { ConflictPolicy, SettingsView } from '../common/sync-types';

export const INTERVAL_MIN = 1;
export const INTERVAL_MAX = 24 * 60;

export type FieldName = 'backendUrl' | 'syncIntervalMinutes' | 'conflictPolicy' | 'workOffline' | 'authToken';

/** A message under each field that has a problem. */
export type FieldProblems = Partial<Record<FieldName, string>>;

export interface Draft {
  backendUrl: string;
  syncIntervalMinutes: string;
  conflictPolicy: ConflictPolicy;
  workOffline: boolean;
  /** Empty: leave the stored token as it is. */
  authToken: string;
  clearToken: boolean;
}

export function draftFrom(settings: SettingsView): Draft {
  return {
    backendUrl: settings.backendUrl ?? '',
    syncIntervalMinutes: String(settings.syncIntervalMinutes),
    conflictPolicy: settings.conflictPolicy,
    workOffline: settings.workOffline,
    authToken: '',
    clearToken: false,
  };
}

/** The fields of `next` that differ from `current`, each with the patch that saves it. */
export function changedPatches(current: SettingsView, next: Draft): [FieldName, SettingsPatch][] {
  const patches: [FieldName, SettingsPatch][] = [];
  const url = next.backendUrl.trim() === '' ? null : next.backendUrl.trim();
  if (url !== current.backendUrl) patches.push(['backendUrl', { backendUrl: url }]);
  const minutes = Number(next.syncIntervalMinutes);
  if (minutes !== current.syncIntervalMinutes) {
    patches.push(['syncIntervalMinutes', { syncIntervalMinutes: minutes }]);
  }
  if (next.conflictPolicy !== current.conflictPolicy) {
    patches.push(['conflictPolicy', { conflictPolicy: next.conflictPolicy }]);
  }
  if (next.workOffline !== current.workOffline)
    patches.push(['workOffline', { workOffline: next.workOffline }]);
  if (next.clearToken) patches.push(['authToken', { authToken: null }]);
  else if (next.authToken.trim()) patches.push(['authToken', { authToken: next.authToken.trim() }]);
  return patches;
}

/** What the form refuses before asking main: an interval that is not whole minutes in range. */
export function draftProblems(draft: Draft): FieldProblems {
  const found: FieldProblems = {};
  const minutes = Number(draft.syncIntervalMinutes);
  if (!Number.isInteger(minutes) || minutes < INTERVAL_MIN || minutes > INTERVAL_MAX) {
    found.syncIntervalMinutes = `Choose a whole number of minutes from ${INTERVAL_MIN} to ${INTERVAL_MAX}.`;
  }
  return found;
}
