/** The conflict notification (main/shell/conflict-notice.ts) against the mocked electron module. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { conflictNoticeText, createConflictNotice } from '../../../main/shell/conflict-notice';
import { Notification, resetElectronMock } from '../../mocks/electron';

vi.mock('electron', () => import('../../mocks/electron'));

beforeEach(() => resetElectronMock());

describe('createConflictNotice', () => {
  it('notifies only when the number of conflicts rises while no window is focused', () => {
    let focused = false;
    const revealWindow = vi.fn();
    const notice = createConflictNotice({ isWindowFocused: () => focused, revealWindow });

    // Conflicts left from an earlier run were already told: the first status is the starting point.
    notice({ unresolvedConflicts: 2 });
    expect(Notification.shown).toHaveLength(0);
    notice({ unresolvedConflicts: 2 });
    notice({ unresolvedConflicts: 1 });
    expect(Notification.shown).toHaveLength(0);

    notice({ unresolvedConflicts: 3 });
    expect(Notification.shown).toHaveLength(1);
    expect(Notification.shown[0]?.options).toEqual(conflictNoticeText(2));
    expect(revealWindow).not.toHaveBeenCalled();
    Notification.shown[0]?.click();
    expect(revealWindow).toHaveBeenCalledTimes(1);

    focused = true;
    notice({ unresolvedConflicts: 4 });
    expect(Notification.shown).toHaveLength(1);
  });

  it('shows nothing where the system has no notifications', () => {
    Notification.supported = false;
    const notice = createConflictNotice({ isWindowFocused: () => false, revealWindow: vi.fn() });
    notice({ unresolvedConflicts: 0 });
    notice({ unresolvedConflicts: 1 });
    expect(Notification.shown).toHaveLength(0);
  });

  it('names one conflict or how many, in words without field names or codes', () => {
    expect(conflictNoticeText(1).title).toBe('A conflict needs you');
    expect(conflictNoticeText(3).title).toBe('3 conflicts need you');
    expect(conflictNoticeText(3).body).toMatch(/choose what to keep/);
  });
});
