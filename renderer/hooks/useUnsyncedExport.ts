/**
 * "Export unsynced changes": the changes that have not reached the server, saved as a file in
 * Downloads (Settings' reset and Account's sign-out both offer it before anything is lost).
 */
import { useState } from 'preact/hooks';
import { describeError, todoSync } from '../api';
import { plural } from '../format';

/** Save a text as a file the person picks up from their Downloads. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Export as a download; `exported` says what was saved, a failure goes to `onProblem`. */
export function useUnsyncedExport(onProblem: (message: string) => void) {
  const [exported, setExported] = useState<string | null>(null);
  const exportUnsynced = async () => {
    try {
      const file = await todoSync.exportUnsynced();
      downloadText(file.suggestedFileName, file.json);
      setExported(`Saved ${plural(file.operationCount, 'change', 'changes')} to ${file.suggestedFileName}.`);
    } catch (error) {
      onProblem(describeError(error));
    }
  };
  return { exported, setExported, exportUnsynced };
}
