/**
 * renderer-first-paint-10k and the slowest scroll frame: runs renderer/first-paint.perf.ts
 * through Playwright (the built renderer in Chromium through the end-to-end harness) and reads
 * the figures it writes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure';
import type { RendererFigures } from './renderer/first-paint.perf';
import type { BenchReport } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');
const playwrightCli = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
const config = path.join(__dirname, 'renderer', 'playwright.config.ts');

function runPlaywright(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [playwrightCli, 'test', '--config', config], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Playwright failed:\n${output}`))));
  });
}

export async function rendererFirstPaint(report: BenchReport, options: { items: number }): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-bench-renderer-'));
  const output = path.join(folder, 'figures.json');
  try {
    await runPlaywright({
      ...process.env,
      BENCH_RENDERER_OUT: output,
      BENCH_RENDERER_ITEMS: String(options.items),
    });
    const figures = JSON.parse(readFileSync(output, 'utf8')) as RendererFigures;
    const items = figures.items.toLocaleString('en-US');
    report.set(
      'renderer-first-paint-10k',
      { unit: 'ms', value: median(figures.firstRowsPaintedMs), baselines: {} },
      `navigation to the first painted rows of ${items} todos in Chromium; median of ${figures.firstRowsPaintedMs.length}`,
    );
    const { scroll, idle } = figures;
    report.set(
      'renderer-slowest-scroll-frame-10k',
      { unit: 'ms', value: scroll.slowestMs, baselines: { idle: idle.slowestMs } },
      `slowest of ${scroll.frames} frames scrolling like a fling (p95 ${scroll.p95Ms.toFixed(1)} ms); ` +
        `idle: the slowest of as many frames with the app doing nothing`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
