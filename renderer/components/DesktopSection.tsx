/**
 * Settings → Desktop: quick add's global shortcut (change it, turn it off, see why it does not
 * work) and whether closing the window keeps Todo Sync in the tray. Each change is saved at
 * once, so closing Settings never drops one.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { DesktopPreferencesView } from '../../common/ipc-contract';
import { describeError, todoSync } from '../api';

const DEFAULT_SHORTCUT = 'CmdOrCtrl+Shift+Space';

export function DesktopSection() {
  const [view, setView] = useState<DesktopPreferencesView | null>(null);
  const [shortcut, setShortcut] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { heading: useId(), shortcut: useId(), enabled: useId(), tray: useId(), problem: useId() };

  useEffect(() => {
    todoSync.getDesktopPreferences().then(
      (loaded) => {
        setView(loaded);
        setShortcut(loaded.quickAddShortcut ?? DEFAULT_SHORTCUT);
      },
      (error: unknown) => setProblem(describeError(error)),
    );
  }, []);

  if (!view) return problem ? <p class="field-problem">{problem}</p> : null;

  const save = async (patch: Partial<Pick<DesktopPreferencesView, 'quickAddShortcut' | 'keepInTray'>>) => {
    try {
      setView(await todoSync.setDesktopPreferences(patch));
      setProblem(null);
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const enabled = view.quickAddShortcut !== null;
  const shownProblem = problem ?? view.shortcutProblem;

  return (
    <section class="desktop-section" aria-labelledby={ids.heading} data-testid="desktop-settings">
      <h3 id={ids.heading}>Desktop</h3>
      <label class="checkbox-line">
        <input
          id={ids.enabled}
          type="checkbox"
          checked={enabled}
          onChange={(event) => void save({ quickAddShortcut: event.currentTarget.checked ? shortcut : null })}
        />
        Quick add from anywhere with a keyboard shortcut
      </label>
      {enabled ? (
        <div class="field">
          <label for={ids.shortcut}>Shortcut</label>
          <div class="inline-field">
            <input
              id={ids.shortcut}
              class="text-input"
              value={shortcut}
              aria-invalid={shownProblem ? 'true' : undefined}
              aria-describedby={shownProblem ? ids.problem : undefined}
              onInput={(event) => setShortcut(event.currentTarget.value)}
            />
            <button
              type="button"
              class="button"
              disabled={shortcut.trim() === view.quickAddShortcut}
              onClick={() => void save({ quickAddShortcut: shortcut.trim() })}
            >
              Use this shortcut
            </button>
          </div>
          <p class="field-hint">For example CmdOrCtrl+Shift+Space or Alt+Shift+T.</p>
        </div>
      ) : null}
      {shownProblem ? (
        <p id={ids.problem} class="field-problem" role="alert">
          {shownProblem}
        </p>
      ) : null}
      <label class="checkbox-line">
        <input
          id={ids.tray}
          type="checkbox"
          checked={view.keepInTray}
          onChange={(event) => void save({ keepInTray: event.currentTarget.checked })}
        />
        Keep Todo Sync in the tray when its window is closed
      </label>
    </section>
  );
}
