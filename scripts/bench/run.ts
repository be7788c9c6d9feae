/**
 * The benchmark itself (started by index.ts in a child process sized for it). Every scenario
 * runs against the real azure-mobile-apps server on a SQLite file on 127.0.0.1, with its
 * baselines in the same run; see issue 9 and report.ts for the targets.
 *
 *   (no flag)  everything, the latency scenarios (wan-scenarios.ts) included
 *   --quick    the 10k loopback scenarios only
 *   --wan      the latency scenarios only
 *   --server-same-priority
 *              the server process at this one's CPU priority (see bench-backend.ts)
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchFolder, type BenchApp } from './app-client';
import { serverPriorityNote, startBenchBackend } from './bench-backend';
import { insertLocal, listQuery } from './local-scenarios';
import {
  incrementalPull,
  initialPull,
  type BenchEnvironment,
  type InitialPullOutcome,
} from './pull-scenarios';
import { pushInserts, pushUpdates } from './push-scenarios';
import { rawPaging } from './raw-http';
import { BenchReport } from './report';
import { rendererFirstPaint } from './renderer-scenario';
import { seedServerTodos } from './server-data';
import { WAN_PLAN, wanScenarios } from './wan-scenarios';

interface BenchPlan {
  quick: boolean;
  sdkPullLimit: number;
  sdkPushCount: number;
  smallPullRounds: number;
  /** The push scenarios run 1,000 real requests per round: only in the full run. */
  push: boolean;
  /** The latency scenarios (pull and push through the delay line at several RTTs). */
  wan: boolean;
}

const FULL: BenchPlan = {
  quick: false,
  sdkPullLimit: 2000,
  sdkPushCount: 300,
  smallPullRounds: 5,
  push: true,
  wan: true,
};
// --quick: the 10k scenarios and the local queries over 10,000 items, in under a minute.
const QUICK: BenchPlan = {
  quick: true,
  sdkPullLimit: 1000,
  sdkPushCount: 100,
  smallPullRounds: 3,
  push: false,
  wan: false,
};

/** Pulls watched for event-loop delay and memory, after the timed ones (see initialPull). */
const WATCHED_ROUNDS = 2;

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const plan = process.argv.includes('--quick') ? QUICK : FULL;
  const startedAt = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const report = new BenchReport();
  const folder = benchFolder();
  const progress = (message: string): void => {
    process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0)}s] ${message}\n`);
  };
  const latencyScenarios = async (): Promise<void> => {
    try {
      await wanScenarios(report, folder, WAN_PLAN, progress);
    } catch (error) {
      report.fail('latency scenarios', error);
      console.error(error);
    }
  };
  if (process.argv.includes('--wan')) {
    await latencyScenarios();
    rmSync(folder, { recursive: true, force: true });
    return finish(report, ' (--wan: the latency scenarios)', startedAt, loadAtStart);
  }
  const backend = await startBenchBackend();
  const env: BenchEnvironment = {
    url: backend.url,
    dataDir: backend.dataDir,
    folder,
    report,
    sdkPullLimit: plan.sdkPullLimit,
    sdkPushCount: plan.sdkPushCount,
    sdkSideBySide: plan.quick,
  };
  let app: BenchApp | undefined;
  try {
    progress(`server at ${backend.url}; seeding 10,000 todo items`);
    seedServerTodos(backend.dataDir, 10_000);
    // The server's first requests are slow (its code is not compiled yet): warm it up.
    await rawPaging(backend.url, { pageSize: 1000 });

    progress('pull-initial-10k');
    let largest: InitialPullOutcome = await initialPull(env, {
      id: 'pull-initial-10k',
      expected: 10_000,
      rounds: plan.smallPullRounds,
      watchedRounds: plan.quick ? WATCHED_ROUNDS : 0,
    });
    app = largest.app;
    if (!plan.quick) {
      await app.close();
      app = undefined;
      progress('seeding 90,000 more; pull-initial-100k');
      seedServerTodos(backend.dataDir, 90_000);
      largest = await initialPull(env, {
        id: 'pull-initial-100k',
        expected: 100_000,
        rounds: 2,
        watchedRounds: WATCHED_ROUNDS,
      });
      app = largest.app;
    }
    const pulledItems = plan.quick ? '10k' : '100k';
    if (largest.resources) {
      report.set(
        'event-loop-max-delay',
        { unit: 'ms', value: largest.resources.eventLoopMaxDelayMs, baselines: {} },
        `the longest of ${WATCHED_ROUNDS} more ${pulledItems} pulls, untimed; ${serverPriorityNote()}`,
      );
      report.set(
        'peak-rss-growth',
        { unit: 'MB', value: largest.resources.peakRssGrowthMb, baselines: {} },
        `the largest of ${WATCHED_ROUNDS} more ${pulledItems} pulls`,
      );
    }

    progress('pull-incremental-1k');
    await incrementalPull(env, app, { since: largest.lastUpdatedAt, changes: 1000, rounds: 5 });
    progress('query-100k');
    await listQuery(report, app, {
      id: 'query-100k',
      items: app.services.parts.store.tableByName('todoitem').count(),
      iterations: 30,
    });
    if (plan.push) {
      progress('push-inserts-1k');
      await pushInserts(env, app, { count: 1000, rounds: 3 });
      progress('push-updates-1k');
      await pushUpdates(env, app, { count: 1000, rounds: 3 });
    }
    progress('insert-local');
    await insertLocal(report, app, { iterations: 200 });
  } catch (error) {
    report.fail('bench', error);
    console.error(error);
  } finally {
    await app?.close().catch(() => undefined);
    await backend.stop();
  }
  // After the loopback scenarios, with their server stopped: the two never share the CPU.
  if (plan.wan) await latencyScenarios();

  try {
    progress('renderer-first-paint-10k');
    await rendererFirstPaint(report, { items: 10_000 });
  } catch (error) {
    report.fail('renderer-first-paint-10k', error);
  }
  rmSync(folder, { recursive: true, force: true });
  return finish(report, plan.quick ? ' (--quick: 10k items)' : '', startedAt, loadAtStart);
}

/** Writes bench-results.json and prints the table; the exit code says whether anything failed. */
function finish(report: BenchReport, label: string, startedAt: number, loadAtStart: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
  const resultsFile = path.join(repoRoot, 'bench-results.json');
  report.write(resultsFile);
  const load = `load average ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end`;
  console.log(`\nTodo Sync benchmark${label}: ${seconds.toFixed(1)} s, ${os.cpus().length} cores, ${load}\n`);
  console.log(report.table());
  console.log(`\nResults written to ${path.relative(process.cwd(), resultsFile) || resultsFile}`);
  return report.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
