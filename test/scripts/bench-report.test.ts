/**
 * The benchmark's report: bench-results.json has exactly the shape issue 9 fixes, and each
 * figure is judged against its target the right way round (rates up, times down).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchReport } from '../../scripts/bench/report';

function sampleReport(): BenchReport {
  const report = new BenchReport();
  report.set(
    'pull-initial-10k',
    { unit: 'records/s', value: 40_000, baselines: { 'raw-paging': 45_000, sdk: 95, 'sdk-best': 100 } },
    'a note',
  );
  report.set('query-100k', { unit: 'ms', value: 2, baselines: { 'raw-sql': 1 } });
  report.set('event-loop-max-delay', { unit: 'ms', value: 12, baselines: {} });
  return report;
}

describe('bench report', () => {
  it('writes { scenarios: { id: { unit, value, baselines } } } and nothing else', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      const file = path.join(folder, 'bench-results.json');
      sampleReport().write(file);
      const written: unknown = JSON.parse(readFileSync(file, 'utf8'));
      expect(written).toEqual({
        scenarios: {
          'pull-initial-10k': {
            unit: 'records/s',
            value: 40_000,
            baselines: { 'raw-paging': 45_000, sdk: 95, 'sdk-best': 100 },
          },
          'query-100k': { unit: 'ms', value: 2, baselines: { 'raw-sql': 1 } },
          'event-loop-max-delay': { unit: 'ms', value: 12, baselines: {} },
        },
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('checks rates as at-least ratios, times as at-most ratios, and absolute limits', () => {
    expect(sampleReport().checks()).toEqual([
      { scenario: 'pull-initial-10k', description: '>= 0.8x raw-paging', met: true },
      { scenario: 'pull-initial-10k', description: '>= 100x sdk', met: true },
      { scenario: 'query-100k', description: '<= 1.5x raw-sql', met: false },
      { scenario: 'event-loop-max-delay', description: '< 50 ms', met: true },
    ]);
  });

  it('prints every baseline with its ratio, the targets, notes and failures', () => {
    const report = sampleReport();
    report.fail('renderer-first-paint-10k', new Error('no browser'));
    const table = report.table();
    expect(table).toMatch(
      /pull-initial-10k\s+records\/s\s+40,000\s+raw-paging\s+45,000\s+0\.89x\s+>= 0\.8x raw-paging\s+yes/,
    );
    expect(table).toMatch(/sdk\s+95\.0\s+421x\s+>= 100x sdk\s+yes/);
    expect(table).toMatch(/query-100k\s+ms\s+2\.00\s+raw-sql\s+1\.00\s+2\.00x\s+<= 1\.5x raw-sql\s+NO/);
    expect(table).toContain('(a note)');
    expect(table).toMatch(/renderer-first-paint-10k\s+FAILED/);
    expect(table).toContain('(no browser)');
    expect(report.failed).toBe(true);
  });
});
