/**
 * renderer-first-paint-10k and the slowest scroll frame: the end-to-end suite's 10,000-todo
 * measurement (test/e2e/large-list.spec.ts: the built renderer in Chromium through the harness,
 * with the real preload, dispatcher, services and server) run through Playwright; its figures
 * are read from test-results/renderer-perf.json, which it writes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BenchReport } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');
const playwrightCli = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
const config = path.join(__dirname, 'renderer', 'playwright.config.ts');
const figuresFile = path.join(repoRoot, 'test-results', 'renderer-perf.json');

interface FrameStats {
  frames: number;
  meanMs: number;
  p95Ms: number;
  slowestMs: number;
}

/** The part of large-list.spec.ts's renderer-perf.json the benchmark reports. */
interface RendererFigures {
  items: number;
  firstRowsPaintedMs: number | null;
  idleFrames: FrameStats;
  steadyScroll: FrameStats;
  jumpScroll: FrameStats;
}

function runPlaywright(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [playwrightCli, 'test', '--config', config], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Playwright failed:\n${output}`))));
  });
}

export async function rendererFirstPaint(report: BenchReport): Promise<void> {
  // A figures file from an earlier run must not pass for this one.
  rmSync(figuresFile, { force: true });
  await runPlaywright();
  const figures = JSON.parse(readFileSync(figuresFile, 'utf8')) as RendererFigures;
  if (figures.firstRowsPaintedMs === null) throw new Error('the renderer measurement saw no painted rows');
  const items = figures.items.toLocaleString('en-US');
  report.set(
    'renderer-first-paint-10k',
    { unit: 'ms', value: figures.firstRowsPaintedMs, baselines: {} },
    `navigation to the first painted rows of ${items} todos in Chromium (test/e2e/large-list.spec.ts)`,
  );
  const { steadyScroll: steady, jumpScroll: jump, idleFrames: idle } = figures;
  report.set(
    'renderer-slowest-scroll-frame-10k',
    { unit: 'ms', value: steady.slowestMs, baselines: { idle: idle.slowestMs } },
    `slowest of ${steady.frames} frames scrolling ${items} todos (p95 ${steady.p95Ms.toFixed(1)} ms); ` +
      `idle: the slowest frame with the app doing nothing; scrollbar jumps: slowest ${jump.slowestMs.toFixed(1)} ms`,
  );
}
