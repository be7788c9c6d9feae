/**
 * Connects the dispatcher to Electron: one ipcMain.handle per contract channel, each passing
 * the sending frame (URL, and whether it is the top frame) and the payload to `dispatch`,
 * which decides everything else. Nothing is registered outside the contract.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS } from '../../common/ipc-contract';
import type { IpcDispatch } from '../ipc/dispatch';
import type { IpcSender } from '../ipc/trusted-sender';

/** The sending frame; null when it navigated away or was destroyed before we looked. */
export function senderOf(event: IpcMainInvokeEvent): IpcSender | null {
  try {
    const frame = event.senderFrame;
    if (!frame) return null;
    return { url: frame.url, isMainFrame: frame.parent === null };
  } catch {
    return null;
  }
}

/** Registers every channel; the returned function removes them again. */
export function registerIpcHandlers(dispatch: IpcDispatch): () => void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => dispatch(senderOf(event), channel, payload));
  }
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}
