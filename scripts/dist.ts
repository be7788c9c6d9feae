/**
 * Builds the installers for the current platform:
 *
 *   npm run dist [-- <electron-builder arguments, e.g. --linux AppImage>]
 *   TODO_SYNC_UPDATE_URL=https://updates.example.com/todo-sync npm run dist
 *   npm run dist -- --dry-run     print the electron-builder arguments and stop
 *   TODO_SYNC_RELEASE=1 npm run dist   a release: fails unless the app gets code-signed
 *
 * electron-builder.yml has `publish: null`, so a plain build ships with auto-update off. When
 * TODO_SYNC_UPDATE_URL is set, this adds a generic publish provider for that URL: electron-builder
 * then writes latest*.yml next to the installers (upload them together to that URL) and bakes
 * app-update.yml into the app, which main/shell/auto-update.ts finds and uses. The URL is checked
 * before anything is built, so a typo costs nothing.
 *
 * Nothing is uploaded (`--publish never`): a generic feed is any static file server.
 *
 * TODO_SYNC_RELEASE=1 adds `forceCodeSigning`: electron-builder then stops with an error instead
 * of skipping signing when CSC_LINK (Windows, macOS) is missing, so an unsigned build can never be
 * published as a release by accident. electron-updater checks a Windows update's signature only
 * against the publisher of a signed app, and macOS refuses to update an unsigned one. A release
 * also signs with build/entitlements.mac.release.plist, which keeps macOS library validation on.
 * Linux packages are not code-signed: deb/rpm are signed by the package repository that serves them.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

class DistConfigurationError extends Error {
  override name = 'DistConfigurationError';
}

const RELEASE_ENTITLEMENTS = 'build/entitlements.mac.release.plist';
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

function electronBuilderArgs(
  passThrough: readonly string[],
  feedUrl: string | null,
  release: boolean,
): string[] {
  const publish = feedUrl === null ? [] : ['-c.publish.provider=generic', `-c.publish.url=${feedUrl}`];
  const signing = release
    ? [
        '-c.forceCodeSigning=true',
        // Signed by our team, so library validation can stay on (see the plist's comment).
        `-c.mac.entitlements=${RELEASE_ENTITLEMENTS}`,
        `-c.mac.entitlementsInherit=${RELEASE_ENTITLEMENTS}`,
      ]
    : [];
  return [...passThrough, '--publish', 'never', ...publish, ...signing];
}

/** Only "1" or unset: a typo such as "yes" must not quietly build an unsigned "release". */
function parseReleaseSwitch(raw: string | undefined): boolean {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new DistConfigurationError(`TODO_SYNC_RELEASE must be 1 (a signed release) or unset, got "${raw}".`);
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
  const release = parseReleaseSwitch(process.env.TODO_SYNC_RELEASE);
  const args = electronBuilderArgs(passThrough, feedUrl, release);

  if (dryRun) {
    console.log(JSON.stringify({ feedUrl, release, electronBuilderArgs: args }));
    return;
  }
  if (release) console.log('Release build: code signing is required (forceCodeSigning).');
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
