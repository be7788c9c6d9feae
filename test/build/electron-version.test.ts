/**
 * The Electron major the app ships on, against the policy in the README ("Supported Electron
 * versions"): one of the three newest stable majors, which are the lines Electron still patches.
 * Electron releases a major every 8 weeks, so the newest stable line is estimated from a known
 * release (39.0.0 on 2025-10-28); one release of slack absorbs a late or early release.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script';

const ANCHOR = { major: 39, date: Date.UTC(2025, 9, 28) };
const RELEASE_CADENCE_DAYS = 56;
const SUPPORTED_LINES = 3;
const SLACK_RELEASES = 1;

/** The newest stable major Electron's schedule says exists on `when`. */
function newestStableMajor(when: Date): number {
  const days = (when.getTime() - ANCHOR.date) / 86_400_000;
  return ANCHOR.major + Math.floor(days / RELEASE_CADENCE_DAYS);
}

function isSupportedMajor(major: number, when: Date): boolean {
  const newest = newestStableMajor(when);
  return major <= newest + SLACK_RELEASES && major > newest - SUPPORTED_LINES - SLACK_RELEASES;
}

const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

describe('the Electron version', () => {
  const range = (readJson('package.json').devDependencies as Record<string, string>).electron ?? '';

  it('package.json pins one major with a caret range (security patches, never a new major)', () => {
    expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it('the installed Electron is the one package.json names', () => {
    const installed = String(readJson('node_modules/electron/package.json').version);
    expect(installed.split('.')[0]).toBe(range.slice(1).split('.')[0]);
  });

  it('is one of the supported lines today', () => {
    const major = Number(range.slice(1).split('.')[0]);
    const newest = newestStableMajor(new Date());
    expect(
      isSupportedMajor(major, new Date()),
      `Electron ${major} is outside the supported lines (${newest - SUPPORTED_LINES + 1}–${newest}): upgrade it`,
    ).toBe(true);
  });

  it('the policy rejects an old line and a pre-release line', () => {
    const when = new Date(Date.UTC(2026, 11, 1));
    expect(newestStableMajor(when)).toBe(46);
    expect(isSupportedMajor(46, when)).toBe(true);
    expect(isSupportedMajor(44, when)).toBe(true);
    expect(isSupportedMajor(43, when)).toBe(true); // the slack release
    expect(isSupportedMajor(42, when)).toBe(false);
    expect(isSupportedMajor(48, when)).toBe(false);
  });
});
