/**
 * The benchmark's results: bench-results.json in the exact shape the issue fixes, and a table on
 * stdout that puts each figure beside its baselines, the ratio, and the target from issues 9
 * and 14 (issue 14 raised the loopback targets and added the latency scenarios `…@rtt<N>`).
 */
import { writeFileSync } from 'node:fs';

export type Unit = 'records/s' | 'ops/s' | 'ms' | 'µs' | 'MB';

export interface ScenarioResult {
  unit: Unit;
  value: number;
  baselines: Record<string, number>;
}

export interface BenchResults {
  scenarios: Record<string, ScenarioResult>;
}

/** A target: a ratio to a baseline, or an absolute limit. */
export type Target =
  | { kind: 'at-least'; baseline: string; ratio: number }
  | { kind: 'at-most'; baseline: string; ratio: number }
  | { kind: 'below'; limit: number };

export const TARGETS: Record<string, readonly Target[]> = {
  'pull-initial-10k': [
    { kind: 'at-least', baseline: 'raw-paging', ratio: 0.85 },
    { kind: 'at-least', baseline: 'sdk', ratio: 100 },
  ],
  'pull-initial-100k': [
    { kind: 'at-least', baseline: 'raw-paging', ratio: 0.8 },
    { kind: 'at-least', baseline: 'sdk', ratio: 100 },
  ],
  'pull-incremental-1k': [{ kind: 'at-least', baseline: 'raw-paging', ratio: 0.8 }],
  'push-inserts-1k': [
    { kind: 'at-least', baseline: 'raw-sequential', ratio: 1.1 },
    { kind: 'at-least', baseline: 'sdk', ratio: 10 },
  ],
  'push-updates-1k': [
    { kind: 'at-least', baseline: 'raw-sequential', ratio: 0.9 },
    { kind: 'at-least', baseline: 'sdk', ratio: 10 },
  ],
  'query-100k': [{ kind: 'at-most', baseline: 'raw-sql', ratio: 1.5 }],
  'insert-local': [{ kind: 'at-most', baseline: 'raw-sql', ratio: 2 }],
  'event-loop-max-delay': [{ kind: 'below', limit: 25 }],
  'peak-rss-growth': [{ kind: 'below', limit: 200 }],
  // Through the delay line at 80 ms and 20 Mbit/s; the SDK's ratio is reported, not a target.
  'push-inserts-300@rtt80': [
    { kind: 'at-least', baseline: 'raw-sequential', ratio: 6 },
    { kind: 'at-least', baseline: 'floor', ratio: 0.85 },
  ],
  'pull-initial-10k@rtt80': [{ kind: 'at-least', baseline: 'raw-sequential', ratio: 1.8 }],
};

export interface TargetCheck {
  scenario: string;
  description: string;
  met: boolean;
}

export class BenchReport {
  private readonly scenarios: Record<string, ScenarioResult> = {};
  private readonly notes = new Map<string, string>();
  private readonly failures: { scenario: string; message: string }[] = [];

  set(id: string, result: ScenarioResult, note?: string): void {
    this.scenarios[id] = result;
    if (note) this.notes.set(id, note);
  }

  fail(scenario: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.failures.push({ scenario, message });
  }

  get failed(): boolean {
    return this.failures.length > 0;
  }

  results(): BenchResults {
    return { scenarios: this.scenarios };
  }

  write(file: string): void {
    writeFileSync(file, `${JSON.stringify(this.results(), null, 2)}\n`);
  }

  checks(): TargetCheck[] {
    const checks: TargetCheck[] = [];
    for (const [id, result] of Object.entries(this.scenarios)) {
      for (const target of TARGETS[id] ?? []) {
        const check = evaluate(result, target);
        if (check) checks.push({ scenario: id, ...check });
      }
    }
    return checks;
  }

  table(): string {
    const header = ['scenario', 'unit', 'value', 'baseline', 'baseline value', 'ratio', 'target', 'met'];
    const rows: TableRow[] = [];
    for (const [id, result] of Object.entries(this.scenarios)) {
      const targets = TARGETS[id] ?? [];
      const baselineIds = Object.keys(result.baselines);
      const absolute = targets.filter((target) => target.kind === 'below');
      const lines = Math.max(1, baselineIds.length, absolute.length);
      for (let line = 0; line < lines; line++) {
        const baselineId = baselineIds[line];
        const baselineValue = baselineId === undefined ? undefined : result.baselines[baselineId];
        const target =
          baselineId === undefined
            ? absolute[line]
            : targets.find((candidate) => candidate.kind !== 'below' && candidate.baseline === baselineId);
        const check = target ? evaluate(result, target) : undefined;
        rows.push([
          line === 0 ? id : '',
          line === 0 ? result.unit : '',
          line === 0 ? formatNumber(result.value) : '',
          baselineId ?? '',
          baselineValue === undefined ? '' : formatNumber(baselineValue),
          baselineValue === undefined ? '' : formatRatio(result.value / baselineValue),
          check?.description ?? '',
          check ? (check.met ? 'yes' : 'NO') : '',
        ]);
      }
      const note = this.notes.get(id);
      if (note) rows.push({ note });
    }
    for (const failure of this.failures) {
      rows.push([failure.scenario, '', 'FAILED', '', '', '', '', '']);
      rows.push({ note: failure.message });
    }
    return renderTable(header, rows);
  }
}

function evaluate(result: ScenarioResult, target: Target): { description: string; met: boolean } | undefined {
  if (target.kind === 'below') {
    return { description: `< ${target.limit} ${result.unit}`, met: result.value < target.limit };
  }
  const baseline = result.baselines[target.baseline];
  if (baseline === undefined || baseline === 0) return undefined;
  const ratio = result.value / baseline;
  return target.kind === 'at-least'
    ? { description: `>= ${target.ratio}x ${target.baseline}`, met: ratio >= target.ratio }
    : { description: `<= ${target.ratio}x ${target.baseline}`, met: ratio <= target.ratio };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;
}

/** A row of cells, or a note printed under the row before it, outside the columns. */
type TableRow = string[] | { note: string };

function renderTable(header: readonly string[], rows: readonly TableRow[]): string {
  const cellRows = rows.filter((row): row is string[] => Array.isArray(row));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cellRows.map((row) => row[column]?.length ?? 0)),
  );
  const numeric = new Set([2, 4, 5]);
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const noteIndent = ' '.repeat((widths[0] ?? 0) + 2);
  const lines = rows.map((row) => (Array.isArray(row) ? render(row) : `${noteIndent}(${row.note})`));
  return [render(header), rule, ...lines].join('\n');
}
