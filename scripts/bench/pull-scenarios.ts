/**
 * pull-initial-10k / pull-initial-100k / pull-incremental-1k, with event-loop-max-delay and
 * peak-rss-growth measured during the largest initial pull.
 */
import path from 'node:path';
import { Query } from '../../main/sync';
import { openBenchApp, type BenchApp } from './app-client';
import { perSecond, timed, watchResources, type ResourceReport } from './measure';
import { rawPaging } from './raw-http';
import { openRawStoreCopy } from './raw-store';
import type { BenchReport } from './report';
import { sdkPullRate } from './sdk-baselines';
import { changeServerTodos } from './server-data';

export interface BenchEnvironment {
  url: string;
  /** The server's data folder (its SQLite file). */
  dataDir: string;
  /** Where the benchmark's own stores live. */
  folder: string;
  report: BenchReport;
  /** How many records the SDK baselines pull, and how many operations they push. */
  sdkPullLimit: number;
  sdkPushCount: number;
  /** Run the two SDK pull baselines at the same time (--quick). */
  sdkSideBySide: boolean;
}

const PAGE_SIZE = 1000;
/** The queryId the app itself pulls with (see runSyncPass in main/services/app-services.ts). */
const APP_QUERY_ID = 'all-todoitem';

async function ourPull(app: BenchApp): Promise<{ ms: number; upserted: number; deleted: number }> {
  const { ms, value } = await timed(() =>
    app.services.parts.syncContext.pull(new Query('todoitem'), APP_QUERY_ID, { pageSize: PAGE_SIZE }),
  );
  return { ms, upserted: value.upserted, deleted: value.deleted };
}

async function rawPull(
  url: string,
  since?: string,
): Promise<{ ms: number; records: number; lastUpdatedAt: string }> {
  const { ms, value } = await timed(() => rawPaging(url, { pageSize: PAGE_SIZE, since }));
  return { ms, records: value.records, lastUpdatedAt: value.lastUpdatedAt };
}

export interface InitialPullOutcome {
  /** The app holding every record after the (last) measured pull; the caller closes it. */
  app: BenchApp;
  /** Where a raw pull of the server's later changes starts. */
  lastUpdatedAt: string;
  resources?: ResourceReport;
}

/**
 * Rounds alternate raw paging and our pull into a fresh store, so drift in the server's speed
 * touches both; the best round of each counts. Then `watchedRounds` more of our pulls, each into
 * a fresh store, are watched for event-loop delay and memory, and the worst counts: one pull's
 * longest block is one sample of a noisy figure. They are not timed: the watch itself (a 1 ms
 * timer and an RSS sampler on the main thread) slowed a 10k pull by a quarter.
 */
export async function initialPull(
  env: BenchEnvironment,
  options: { id: string; expected: number; rounds: number; watchedRounds: number },
): Promise<InitialPullOutcome> {
  const rawRates: number[] = [];
  const ourRates: number[] = [];
  let kept: BenchApp | undefined;
  let lastUpdatedAt = '';
  let resources: ResourceReport | undefined;
  for (let round = 0; round < options.rounds; round++) {
    const raw = await rawPull(env.url);
    if (raw.records !== options.expected)
      throw new Error(`raw paging saw ${raw.records} of ${options.expected}`);
    rawRates.push(perSecond(raw.records, raw.ms));
    lastUpdatedAt = raw.lastUpdatedAt;

    const app = await openBenchApp(env.url, env.folder);
    const pulled = await ourPull(app);
    checkStored(pulled.upserted, options.expected);
    ourRates.push(perSecond(pulled.upserted, pulled.ms));
    await kept?.close();
    kept = app;
  }
  if (!kept) throw new Error('no pull rounds ran');
  for (let round = 0; round < options.watchedRounds; round++) {
    const app = await openBenchApp(env.url, env.folder);
    try {
      const watch = watchResources();
      const pulled = await ourPull(app);
      const watched = watch.stop();
      checkStored(pulled.upserted, options.expected);
      resources = resources ? worstOf(resources, watched) : watched;
    } finally {
      await app.close();
    }
  }

  const sdkDefault = () => sdkPullRate(env.url, env.folder, { limit: env.sdkPullLimit });
  const sdkAtBest = () => sdkPullRate(env.url, env.folder, { limit: env.sdkPullLimit, pageSize: PAGE_SIZE });
  // The SDK waits on its own timers far more than it computes (about nine setTimeouts per
  // record), so two clients side by side barely slow each other: --quick uses that to fit.
  const [sdk, sdkBest] = env.sdkSideBySide
    ? await Promise.all([sdkDefault(), sdkAtBest()])
    : [await sdkDefault(), await sdkAtBest()];
  env.report.set(
    options.id,
    {
      unit: 'records/s',
      value: Math.max(...ourRates),
      baselines: { 'raw-paging': Math.max(...rawRates), sdk, 'sdk-best': sdkBest },
    },
    `best of ${options.rounds} rounds; SDK baselines over the first ${env.sdkPullLimit} records, page size 50 and 1000` +
      (env.sdkSideBySide ? ', side by side' : ''),
  );
  return { app: kept, lastUpdatedAt, resources };
}

function checkStored(upserted: number, expected: number): void {
  if (upserted !== expected) throw new Error(`our pull stored ${upserted} of ${expected} records`);
}

function worstOf(a: ResourceReport, b: ResourceReport): ResourceReport {
  return {
    eventLoopMaxDelayMs: Math.max(a.eventLoopMaxDelayMs, b.eventLoopMaxDelayMs),
    peakRssGrowthMb: Math.max(a.peakRssGrowthMb, b.peakRssGrowthMb),
  };
}

/**
 * Each round, 1,000 other records change on the server (a fifth of them deleted); raw paging
 * fetches exactly those changes from where the previous round ended, then our app pulls them
 * incrementally from its own watermark. Fresh changes every round: each of our pulls really
 * updates and deletes rows, as a user's next sync would.
 */
export async function incrementalPull(
  env: BenchEnvironment,
  app: BenchApp,
  options: { since: string; changes: number; rounds: number },
): Promise<void> {
  const rawRates: number[] = [];
  const storingRates: number[] = [];
  const ourRates: number[] = [];
  let since = options.since;
  const rawStore = await openRawStoreCopy(app.databasePath, path.join(env.folder, 'raw-store.db'));
  try {
    for (let round = 0; round < options.rounds; round++) {
      changeServerTodos(env.dataDir, options.changes);
      const raw = await rawPull(env.url, since);
      rawRates.push(perSecond(options.changes, raw.ms));
      const storing = await timed(() => rawStore.pull(env.url, { pageSize: PAGE_SIZE, since }));
      storingRates.push(perSecond(options.changes, storing.ms));
      since = raw.lastUpdatedAt;
      const pulled = await ourPull(app);
      if (pulled.upserted + pulled.deleted !== options.changes) {
        throw new Error(
          `our incremental pull applied ${pulled.upserted + pulled.deleted} of ${options.changes} changes`,
        );
      }
      ourRates.push(perSecond(options.changes, pulled.ms));
    }
  } finally {
    rawStore.close();
  }
  env.report.set(
    'pull-incremental-1k',
    {
      unit: 'records/s',
      value: Math.max(...ourRates),
      baselines: { 'raw-paging': Math.max(...rawRates), 'raw-paging+sql': Math.max(...storingRates) },
    },
    `${options.changes} records changed on the server (a fifth deleted), fresh each round; best of ${options.rounds}; ` +
      'raw-paging+sql also writes each page with plain SQL into a copy of our store (raw-store.ts)',
  );
}
