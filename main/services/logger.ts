/**
 * The logging surface the services need. The shell passes electron-log (which writes the
 * rotating log file); tests pass a silent or recording logger. Never log an auth token.
 */
export interface Logger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
