/**
 * renderer-first-paint-10k (and the slowest scroll frame): runs renderer/first-paint.perf.ts
 * through Playwright, which builds the renderer and the preload the way the end-to-end tests do,
 * and reads the figures it writes.
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

function runPlaywright(env: NodeJS.ProcessEnv): Promise<string> {
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
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`Playwright failed:\n${output}`)),
    );
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
      { unit: 'ms', value: median(figures.firstPaints), baselines: {} },
      `navigation to the first painted row of ${items} items in Chromium; median of ${figures.firstPaints.length}`,
    );
    report.set(
      'renderer-slowest-scroll-frame-10k',
      { unit: 'ms', value: figures.slowestScrollFrameMs, baselines: {} },
      `longest frame while scrolling all ${items} items in ${figures.scrollFrames} frames`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
