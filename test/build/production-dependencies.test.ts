/**
 * What ships inside the app is reviewed: every production dependency in package.json is named,
 * with why it is there, in the README's "Production dependencies and `npm audit`" section, and
 * nothing else is. A new dependency fails here until someone has looked at it (and at what
 * `npm audit --omit=dev` says about it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script';

function reviewedInReadme(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('### Production dependencies and `npm audit`');
  expect(start, 'README.md has the production dependencies section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n#{2,3} /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^- `([^`]+)` — \S/gm)].map((match) => match[1] ?? '');
}

describe('production dependencies', () => {
  it('are exactly the ones the README reviews', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(reviewedInReadme().sort()).toEqual(Object.keys(manifest.dependencies ?? {}).sort());
  });
});
