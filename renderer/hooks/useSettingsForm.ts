/**
 * The state behind the Settings form: the settings as main last reported them, the draft being
 * edited, a problem per field, and save, which sends each changed field on its own (see
 * settings-draft.ts) and keeps the problems main reports under their fields.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SettingsView } from '../../common/sync-types';
import { AppError, describeError, todoSync } from '../api';
import {
  changedPatches,
  draftFrom,
  draftProblems,
  type Draft,
  type FieldName,
  type FieldProblems,
} from '../settings-draft';

export function useSettingsForm() {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    todoSync.getSettings().then(
      (loaded) => {
        setSettings(loaded);
        setDraft(draftFrom(loaded));
      },
      (error: unknown) => setLoadProblem(describeError(error)),
    );
  }, []);

  /** An edit: the fields it touches lose their problem until the next save. */
  const update = (changes: Partial<Draft>) => {
    if (!draft) return;
    setDraft({ ...draft, ...changes });
    setSaved(false);
    const touched = Object.keys(changes) as FieldName[];
    if (touched.some((key) => problems[key])) {
      const next = { ...problems };
      for (const key of touched) delete next[key];
      setProblems(next);
    }
  };

  const hasUnsavedChanges = () => !!settings && !!draft && changedPatches(settings, draft).length > 0;

  /** True when every change was saved. */
  const save = async (event: Pick<Event, 'preventDefault'>): Promise<boolean> => {
    event.preventDefault();
    if (!settings || !draft) return false;
    const found = draftProblems(draft);
    setSaving(true);
    let latest = settings;
    for (const [field, patch] of changedPatches(settings, draft)) {
      if (found[field]) continue;
      try {
        latest = await todoSync.setSettings(patch);
      } catch (error) {
        found[field] =
          error instanceof AppError && error.issues.length > 0
            ? error.issues.join(' ')
            : describeError(error);
      }
    }
    setSettings(latest);
    setProblems(found);
    setSaving(false);
    if (Object.keys(found).length === 0) {
      setDraft({ ...draftFrom(latest) });
      setSaved(true);
    }
    return Object.keys(found).length === 0;
  };

  return { settings, draft, loadProblem, problems, saving, saved, update, hasUnsavedChanges, save };
}
