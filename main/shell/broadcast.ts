/** Main-to-renderer events (common/ipc-contract.ts IpcEvents), sent to every open window. */
import { BrowserWindow } from 'electron';
import type { IpcEvent, IpcEvents } from '../../common/ipc-contract';

export function broadcast<E extends IpcEvent>(event: E, payload: IpcEvents[E]): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (window.isDestroyed() || window.webContents.isDestroyed()) continue;
    window.webContents.send(event, payload);
  }
}
