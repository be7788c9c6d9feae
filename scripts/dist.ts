/**
 * Builds the installers for the current platform:
 *
 *   npm run dist [-- <electron-builder arguments, e.g. --linux AppImage>]
 *   TODO_SYNC_UPDATE_URL=https://updates.example.com/todo-sync npm run dist
 *   npm run dist -- --dry-run     print the electron-builder arguments and stop
 *
 * electron-builder.yml has `publish: null`, so a plain build ships with auto-update off. When
 * TODO_SYNC_UPDATE_URL is set, this adds a generic publish provider for that URL: electron-builder
 * then writes latest*.yml next to the installers (upload them together to that URL) and bakes
 * app-update.yml into the app, which main/shell/auto-update.ts finds and uses. The URL is checked
 * before anything is built, so a typo costs nothing.
 *
 * Nothing is uploaded (`--publish never`): a generic feed is any static file server.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

class DistConfigurationError extends Error {
  override name = 'DistConfigurationError';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https only, except a loopback http server for trying updates locally. */
function parseFeedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DistConfigurationError(`TODO_SYNC_UPDATE_URL is not a URL: "${raw}".`);
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!allowed) {
    throw new DistConfigurationError(
      `TODO_SYNC_UPDATE_URL must be an https:// URL (http:// only for localhost), got "${raw}".`,
    );
  }
  if (url.username || url.password) {
    throw new DistConfigurationError(
      'TODO_SYNC_UPDATE_URL must not contain credentials: they would ship inside the app.',
    );
  }
  return url.toString();
}

function electronBuilderArgs(passThrough: readonly string[], feedUrl: string | null): string[] {
  const publish = feedUrl === null ? [] : ['-c.publish.provider=generic', `-c.publish.url=${feedUrl}`];
  return [...passThrough, '--publish', 'never', ...publish];
}

function runOrExit(executable: string, args: readonly string[], shell = false): void {
  const result = spawnSync(executable, args, { stdio: 'inherit', shell });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function main(): void {
  const argv = process.argv.slice(2);
  const dryRun = argv.includes('--dry-run');
  const passThrough = argv.filter((arg) => arg !== '--dry-run');
  const rawFeed = process.env.TODO_SYNC_UPDATE_URL?.trim();
  const feedUrl = rawFeed ? parseFeedUrl(rawFeed) : null;
  const args = electronBuilderArgs(passThrough, feedUrl);

  if (dryRun) {
    console.log(JSON.stringify({ feedUrl, electronBuilderArgs: args }));
    return;
  }
  console.log(
    feedUrl === null ? 'Auto-update: off (TODO_SYNC_UPDATE_URL is unset).' : `Auto-update feed: ${feedUrl}`,
  );

  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) runOrExit(process.execPath, [npmCli, 'run', 'build']);
  else runOrExit('npm', ['run', 'build'], process.platform === 'win32');

  const cli = createRequire(path.join(process.cwd(), 'package.json')).resolve('electron-builder/cli.js');
  runOrExit(process.execPath, [cli, ...args]);
}

try {
  main();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message);
  process.exit(2);
}
