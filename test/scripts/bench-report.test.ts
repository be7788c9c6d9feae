/**
 * The benchmark's report: bench-results.json has exactly the shape issue 9 fixes, and each
 * figure is judged against its target the right way round (rates up, times down).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchReport } from '../../scripts/bench/report';
import { pullFloor, pushFloor, wanScenarioId } from '../../scripts/bench/wan-scenarios';

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
      { scenario: 'pull-initial-10k', description: '>= 0.85x raw-paging', met: true },
      { scenario: 'pull-initial-10k', description: '>= 100x sdk', met: true },
      { scenario: 'query-100k', description: '<= 1.5x raw-sql', met: false },
      { scenario: 'event-loop-max-delay', description: '< 25 ms', met: true },
    ]);
  });

  it('prints every baseline with its ratio, the targets, notes and failures', () => {
    const report = sampleReport();
    report.fail('renderer-first-paint-10k', new Error('no browser'));
    const table = report.table();
    expect(table).toMatch(
      /pull-initial-10k\s+records\/s\s+40,000\s+raw-paging\s+45,000\s+0\.89x\s+>= 0\.85x raw-paging\s+yes/,
    );
    expect(table).toMatch(/sdk\s+95\.0\s+421x\s+>= 100x sdk\s+yes/);
    expect(table).toMatch(/query-100k\s+ms\s+2\.00\s+raw-sql\s+1\.00\s+2\.00x\s+<= 1\.5x raw-sql\s+NO/);
    expect(table).toContain('(a note)');
    expect(table).toMatch(/renderer-first-paint-10k\s+FAILED/);
    expect(table).toContain('(no browser)');
    expect(report.failed).toBe(true);
  });

  it('judges the latency scenarios against their targets and prints the extra baselines with their ratios', () => {
    const report = new BenchReport();
    const push = {
      'raw-sequential': 11.5,
      'raw-4-in-flight': 45,
      'raw-8-in-flight': 87,
      floor: pushFloor(300, 80, 8),
      sdk: 10,
    };
    report.set('push-inserts-300@rtt80', { unit: 'ops/s', value: 90, baselines: push });
    report.set('pull-initial-10k@rtt80', {
      unit: 'records/s',
      value: 8000,
      baselines: { 'raw-sequential': 4770, 'raw-4-in-flight': 9255, floor: 30_000, sdk: 40 },
    });
    report.set('pull-initial-10k@rtt0', {
      unit: 'records/s',
      value: 20_000,
      baselines: { 'raw-sequential': 15_000 },
    });
    expect(report.checks()).toEqual([
      { scenario: 'push-inserts-300@rtt80', description: '>= 6x raw-sequential', met: true },
      { scenario: 'push-inserts-300@rtt80', description: '>= 0.85x floor', met: true },
      { scenario: 'pull-initial-10k@rtt80', description: '>= 1.8x raw-sequential', met: false },
    ]);
    const table = report.table();
    expect(table).toMatch(
      /push-inserts-300@rtt80\s+ops\/s\s+90\.0\s+raw-sequential\s+11\.5\s+7\.83x\s+>= 6x raw-sequential\s+yes/,
    );
    expect(table).toMatch(/raw-8-in-flight\s+87\.0\s+1\.03x\n/);
    expect(table).toMatch(/floor\s+98\.7\s+0\.91x\s+>= 0\.85x floor\s+yes/);
    expect(table).toMatch(
      /pull-initial-10k@rtt80\s+records\/s\s+8,000\s+raw-sequential\s+4,770\s+1\.68x\s+>= 1\.8x raw-sequential\s+NO/,
    );
    expect(JSON.parse(JSON.stringify(report.results())).scenarios['push-inserts-300@rtt80']).toEqual({
      unit: 'ops/s',
      value: 90,
      baselines: push,
    });
  });
});

describe('latency scenario figures', () => {
  it('names scenarios by size and round trip', () => {
    expect(wanScenarioId('pull-initial', 10_000, 80)).toBe('pull-initial-10k@rtt80');
    expect(wanScenarioId('push-inserts', 300, 0)).toBe('push-inserts-300@rtt0');
  });

  it('floors: 300 pushes with 8 in flight take 38 round trips; a pull one round trip plus its bytes', () => {
    expect(pushFloor(300, 80, 8)).toBeCloseTo(300 / (38 * 0.08), 9);
    expect(pushFloor(300, 20, 8)).toBeCloseTo(300 / (38 * 0.02), 9);
    // 2.5 MB at 20 Mbit/s is 1 s on the wire, plus 80 ms.
    expect(pullFloor(10_000, 80, 2_500_000, 20_000_000)).toBeCloseTo(10_000 / 1.08, 6);
  });
});
