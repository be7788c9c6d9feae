/**
 * The one gate every renderer request passes through, in this order:
 *   1. the channel must be declared in the contract        → 'unknown-channel'
 *   2. the sender must be the app's own main frame         → 'forbidden-sender'
 *   3. the payload must match the channel's zod schema     → 'invalid-request'
 *   4. the handler runs with the parsed (not the raw) value; what it throws becomes a typed error.
 * A rejected message never reaches its handler. The shell registers this function with
 * ipcMain.handle and the end-to-end harness calls it directly, so both exercise the same code.
 * No `electron` import here.
 */
import { IPC_CHANNELS, ipcChannels } from '../../common/ipc-contract';
import type { IpcChannel, IpcErrorPayload, IpcHandlers, IpcResult } from '../../common/ipc-contract';
import type { z } from 'zod';
import { describeZodIssues, INTERNAL_ERROR_MESSAGE, knownErrorPayload, zodIssuesForLog } from './errors';
import type { IpcSender, SenderCheck } from './trusted-sender';
import type { Logger } from '../services/logger';

export type DispatchLogger = Pick<Logger, 'warn' | 'error'>;

export interface IpcDispatcherOptions {
  handlers: IpcHandlers;
  isTrustedSender: SenderCheck;
  logger?: DispatchLogger;
}

/** `sender` is null when the frame is gone (navigated or destroyed) before the message arrived. */
export type IpcDispatch = (
  sender: IpcSender | null,
  channel: string,
  payload: unknown,
) => Promise<IpcResult<unknown>>;

/** Long or odd channel names from a misbehaving page are not echoed back or logged in full. */
function printable(value: string): string {
  const shown = JSON.stringify(value.slice(0, 80));
  return value.length > 80 ? `${shown}…` : shown;
}

function isIpcChannel(channel: string): channel is IpcChannel {
  // hasOwn, not `in`: "__proto__" or "toString" must not count as channels.
  return Object.hasOwn(ipcChannels, channel);
}

/**
 * Structured clone carries Maps, Sets, Dates and other class instances, and zod reads an
 * object schema from any object's own keys: a Map arrives as `{}`, which a schema whose fields
 * are all optional accepts. Only JSON-like data (plain objects, arrays, primitives) is a request.
 */
function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isPlainData(item, depth + 1));
}

function failure(error: IpcErrorPayload): IpcResult<never> {
  return { ok: false, error };
}

export function createIpcDispatcher({
  handlers,
  isTrustedSender,
  logger = console,
}: IpcDispatcherOptions): IpcDispatch {
  const missing = IPC_CHANNELS.filter((channel) => typeof handlers[channel] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`IPC handlers are missing for: ${missing.join(', ')}`);
  }

  return async (sender, channel, payload) => {
    if (!isIpcChannel(channel)) {
      logger.warn(`IPC: refused a message on unknown channel ${printable(channel)}`);
      return failure({
        code: 'unknown-channel',
        message: `There is no request named ${printable(channel)}.`,
      });
    }
    if (sender === null || !isTrustedSender(sender)) {
      logger.warn(`IPC: refused ${channel} from a foreign sender`, sender?.url ?? '(frame gone)');
      return failure({
        code: 'forbidden-sender',
        message: 'This request did not come from the Todo Sync window, so it was refused.',
      });
    }

    if (!isPlainData(payload)) {
      logger.warn(`IPC: refused ${channel} with a payload that is not plain data`);
      return failure({
        code: 'invalid-request',
        message: 'The request must be plain data (objects, lists, text, numbers).',
      });
    }

    // Each channel's schema has its own output type; the handler of the same channel takes it.
    const schema: z.ZodType = ipcChannels[channel].request;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issues = describeZodIssues(parsed.error);
      logger.warn(`IPC: refused ${channel} with an invalid payload`, zodIssuesForLog(parsed.error));
      return failure({
        code: 'invalid-request',
        message: issues[0] ?? 'The request is not valid.',
        issues,
      });
    }

    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      const known = knownErrorPayload(error);
      if (known) {
        logger.warn(`IPC: ${channel} failed (${known.code}): ${known.message}`);
        return failure(known);
      }
      logger.error(`IPC: ${channel} failed unexpectedly`, error);
      return failure({ code: 'internal', message: INTERNAL_ERROR_MESSAGE });
    }
  };
}
