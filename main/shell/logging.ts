/**
 * The app's log: a rotating file in <userData>/logs (main.log, rolled over to main.old.log at
 * MAX_LOG_BYTES) plus the console. Every entry passes through the secret redactor before any
 * transport sees it, so an auth token never reaches the file.
 *
 * electron-log's Node flavour is used on purpose: its Electron flavour registers IPC channels
 * of its own on import, and the app's only IPC surface is the contract.
 */
import path from 'node:path';
import electronLog from 'electron-log/node';
import type { Logger } from '../services/logger';
import { createSecretRedactor } from './redact';

export const MAX_LOG_BYTES = 1024 * 1024;
export const LOG_FILE_NAME = 'main.log';

export interface AppLog extends Logger {
  readonly filePath: string;
  readonly directory: string;
  /** Masks this value (the current auth token) in everything logged from now on. */
  rememberSecret(secret: string | null | undefined): void;
}

export interface AppLogOptions {
  directory: string;
  /** Console output level; false silences it (tests). */
  consoleLevel?: 'info' | 'warn' | 'error' | false;
  maxBytes?: number;
  /** Several logs in one process (tests) need distinct ids. */
  logId?: string;
}

export function createAppLog({
  directory,
  consoleLevel = 'info',
  maxBytes = MAX_LOG_BYTES,
  logId = 'todo-sync',
}: AppLogOptions): AppLog {
  const filePath = path.join(directory, LOG_FILE_NAME);
  const logger = electronLog.create({ logId });
  const redactor = createSecretRedactor();

  // The app name only feeds electron-log's default paths, which resolvePathFn replaces; setting
  // it keeps electron-log from searching for a package.json inside the packaged app.
  logger.transports.file.setAppName('Todo Sync');
  logger.transports.file.resolvePathFn = () => filePath;
  logger.transports.file.maxSize = maxBytes;
  logger.transports.file.level = 'info';
  logger.transports.console.level = consoleLevel;
  if (logger.transports.ipc) logger.transports.ipc.level = false;
  if (logger.transports.remote) logger.transports.remote.level = false;
  logger.hooks.push((message) => ({
    ...message,
    data: message.data.map((item: unknown) => redactor.redact(item)),
  }));

  return {
    filePath,
    directory,
    info: (message, ...details) => logger.info(message, ...details),
    warn: (message, ...details) => logger.warn(message, ...details),
    error: (message, ...details) => logger.error(message, ...details),
    rememberSecret: (secret) => redactor.rememberSecret(secret),
  };
}
