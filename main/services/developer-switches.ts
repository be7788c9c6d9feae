/**
 * Environment variables that exist for developing the app, and what an installed (packaged) app
 * makes of them. Each one redirects something a person trusts the installed app with, so anyone
 * who can set the app's environment (a shortcut, a launcher, another program starting it) could
 * turn it against them:
 *
 * - TODO_SYNC_SQLITE_BINDING loads any .node file into the process as the SQLite driver;
 * - TODO_BACKEND_URL sends the todos and the auth token to another server;
 * - TODO_BACKEND_KEY belongs to TODO_BACKEND_URL (the local development backend's key).
 *
 * An installed app drops them before the services see the environment; a development run keeps
 * them. TODO_SYNC_UPDATE_URL is the shell's (main/shell/auto-update.ts): there an installed app
 * honours only "off".
 */
import type { Logger } from './logger';

export const DEVELOPER_SWITCHES = [
  'TODO_SYNC_SQLITE_BINDING',
  'TODO_BACKEND_URL',
  'TODO_BACKEND_KEY',
] as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The environment the services may read: unchanged in a development run; without the developer
 * switches in an installed app, with a warning naming each one that was set (never its value).
 */
export function honouredEnvironment(
  env: Environment,
  options: { packaged: boolean; logger?: Pick<Logger, 'warn'> },
): Environment {
  if (!options.packaged) return env;
  const honoured: Record<string, string | undefined> = { ...env };
  for (const name of DEVELOPER_SWITCHES) {
    if (honoured[name] === undefined) continue;
    delete honoured[name];
    if (env[name]?.trim())
      options.logger?.warn(`${name} is a development switch: an installed app ignores it.`);
  }
  return honoured;
}
