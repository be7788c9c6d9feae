/**
 * The latency scenarios (`npm run bench -- --wan`, issue 14): pull and push through the delay
 * line (delay-line.ts, its own process) at several round-trip times with a bandwidth cap,
 * against the real server, each beside raw clients over the same link and the floor the link
 * allows:
 *
 *   pull-initial-10k@rtt<N>   records/s   raw-sequential, raw-<k>-in-flight, floor, sdk (at one RTT)
 *   push-inserts-300@rtt<N>   ops/s       raw-sequential, raw-<k>-in-flight, floor, sdk (at one RTT)
 *
 * Floors: push, 300 operations with 8 in flight need ceil(300/8) round trips; pull, one round
 * trip plus the bytes our pull actually received, at the link's bandwidth. None at RTT 0, where
 * the floor is only the CPU.
 *
 * The scenarios run on a server of their own (seeded with exactly the pull's records), so the
 * records they push never change what the loopback scenarios pull.
 */
import { Query } from '../../main/sync';
import { openBenchApp, type BenchApp } from './app-client';
import { startBenchBackend } from './bench-backend';
import { startDelayLine, type DelayLine } from './delay-line';
import { perSecond, timed } from './measure';
import { newTodos } from './push-scenarios';
import { rawInsertsInFlight, rawPaging, rawPagingInFlight, rawSequentialInserts } from './raw-http';
import type { BenchReport } from './report';
import { sdkPullRate, sdkPushInsertRate } from './sdk-baselines';
import { seedServerTodos } from './server-data';

export interface WanPlan {
  /** Round-trip times, ms. */
  rtts: readonly number[];
  /** The link's capacity in each direction, bits/s. */
  bandwidthBitsPerSecond: number;
  /** Records on the server, all pulled. */
  pullRecords: number;
  /** Queued inserts pushed. */
  pushCount: number;
  /** The requests in flight of the raw parallel baselines. */
  inFlight: readonly number[];
  /** The in-flight count the push floor assumes. */
  floorInFlight: number;
  /** The RTT at which the official SDK runs too (it is far slower than everything else). */
  sdkRtt: number;
  sdkPullLimit: number;
  sdkPushCount: number;
  /** Rounds of each pull (cheap), best counted. */
  pullRounds: number;
  /**
   * Rounds of our push and the raw pushes with requests in flight, best counted, as for the
   * pull: one run of 300 varied by ±3% here. The sequential raw push (300 round trips, steady)
   * runs once.
   */
  pushRounds: number;
}

export const WAN_PLAN: WanPlan = {
  rtts: [0, 20, 80],
  bandwidthBitsPerSecond: 20_000_000,
  pullRecords: 10_000,
  pushCount: 300,
  inFlight: [4, 8],
  floorInFlight: 8,
  sdkRtt: 80,
  sdkPullLimit: 1000,
  sdkPushCount: 100,
  pullRounds: 2,
  pushRounds: 2,
};

const PAGE_SIZE = 1000;
/** The queryId the app itself pulls with (see runSyncPass in main/services/app-services.ts). */
const APP_QUERY_ID = 'all-todoitem';

/** Scenario ids: `pull-initial-10k@rtt80`. */
export function wanScenarioId(kind: 'pull-initial' | 'push-inserts', count: number, rttMs: number): string {
  const size = count >= 1000 && count % 1000 === 0 ? `${count / 1000}k` : String(count);
  return `${kind}-${size}@rtt${rttMs}`;
}

/** Records/s the link allows at best: one round trip, then every byte at the link's rate. */
export function pullFloor(
  records: number,
  rttMs: number,
  bytes: number,
  bandwidthBitsPerSecond: number,
): number {
  return records / (rttMs / 1000 + (bytes * 8) / bandwidthBitsPerSecond);
}

/** Operations/s with `inFlight` requests outstanding: each round trip carries that many. */
export function pushFloor(operations: number, rttMs: number, inFlight: number): number {
  return operations / ((Math.ceil(operations / inFlight) * rttMs) / 1000);
}

async function withApp<T>(url: string, folder: string, run: (app: BenchApp) => Promise<T>): Promise<T> {
  const app = await openBenchApp(url, folder);
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

async function pullScenario(
  report: BenchReport,
  line: DelayLine,
  rttMs: number,
  plan: WanPlan,
  folder: string,
): Promise<void> {
  const expected = plan.pullRecords;
  const best = { ours: 0, sequential: 0, inFlight: new Map<number, number>() };
  let bytes = Number.POSITIVE_INFINITY;
  for (let round = 0; round < plan.pullRounds; round++) {
    const sequential = await timed(() => rawPaging(line.url, { pageSize: PAGE_SIZE }));
    if (sequential.value.records !== expected)
      throw new Error(`raw paging saw ${sequential.value.records} of ${expected}`);
    best.sequential = Math.max(best.sequential, perSecond(expected, sequential.ms));
    for (const inFlight of plan.inFlight) {
      const parallel = await timed(() => rawPagingInFlight(line.url, { pageSize: PAGE_SIZE, inFlight }));
      if (parallel.value.records !== expected)
        throw new Error(`raw paging (${inFlight} in flight) saw ${parallel.value.records} of ${expected}`);
      best.inFlight.set(
        inFlight,
        Math.max(best.inFlight.get(inFlight) ?? 0, perSecond(expected, parallel.ms)),
      );
    }
    await withApp(line.url, folder, async (app) => {
      const before = await line.counters();
      const { ms, value } = await timed(() =>
        app.services.parts.syncContext.pull(new Query('todoitem'), APP_QUERY_ID, { pageSize: PAGE_SIZE }),
      );
      const after = await line.counters();
      if (value.upserted !== expected)
        throw new Error(`our pull stored ${value.upserted} of ${expected} records`);
      best.ours = Math.max(best.ours, perSecond(expected, ms));
      bytes = Math.min(bytes, after.bytesToClient - before.bytesToClient);
    });
  }
  const baselines: Record<string, number> = { 'raw-sequential': best.sequential };
  for (const [inFlight, rate] of best.inFlight) baselines[`raw-${inFlight}-in-flight`] = rate;
  if (rttMs > 0) baselines.floor = pullFloor(expected, rttMs, bytes, plan.bandwidthBitsPerSecond);
  let sdkNote = '';
  if (rttMs === plan.sdkRtt) {
    baselines.sdk = await sdkPullRate(line.url, folder, { limit: plan.sdkPullLimit });
    sdkNote = `; the SDK pulls its first ${plan.sdkPullLimit} records (page size 50)`;
  }
  report.set(
    wanScenarioId('pull-initial', expected, rttMs),
    { unit: 'records/s', value: best.ours, baselines },
    `RTT ${rttMs} ms, ${plan.bandwidthBitsPerSecond / 1e6} Mbit/s; best of ${plan.pullRounds}; ` +
      `our pull received ${(bytes / 1024).toFixed(0)} kB${sdkNote}`,
  );
}

async function pushScenario(
  report: BenchReport,
  line: DelayLine,
  rttMs: number,
  plan: WanPlan,
  folder: string,
): Promise<void> {
  const count = plan.pushCount;
  const label = `rtt${rttMs}`;
  const baselines: Record<string, number> = {};
  const sequential = await timed(() =>
    rawSequentialInserts(line.url, newTodos(count, `Raw insert ${label}`)),
  );
  baselines['raw-sequential'] = perSecond(count, sequential.ms);
  if (rttMs > 0) baselines.floor = pushFloor(count, rttMs, plan.floorInFlight);
  let ours = 0;
  // Rounds alternate the raw pushes and ours, so drift in the server's speed touches both.
  for (let round = 0; round < plan.pushRounds; round++) {
    for (const inFlight of plan.inFlight) {
      const items = newTodos(count, `Raw insert ${label} x${inFlight} #${round}`);
      const parallel = await timed(() => rawInsertsInFlight(line.url, items, inFlight));
      const key = `raw-${inFlight}-in-flight`;
      baselines[key] = Math.max(baselines[key] ?? 0, perSecond(count, parallel.ms));
    }
    const rate = await withApp(line.url, folder, async (app) => {
      for (const todo of newTodos(count, `Our insert ${label} #${round}`))
        await app.services.parts.todos.insert(todo);
      const { ms, value } = await timed(() => app.services.parts.syncContext.push());
      if (value.pushed !== count || value.issues.length > 0) {
        throw new Error(
          `our push sent ${value.pushed} of ${count} operations (${value.issues.length} issues)`,
        );
      }
      return perSecond(count, ms);
    });
    ours = Math.max(ours, rate);
  }
  let sdkNote = '';
  if (rttMs === plan.sdkRtt) {
    baselines.sdk = await sdkPushInsertRate(
      line.url,
      folder,
      newTodos(plan.sdkPushCount, `SDK insert ${label}`),
    );
    sdkNote = `; the SDK pushes ${plan.sdkPushCount}`;
  }
  report.set(
    wanScenarioId('push-inserts', count, rttMs),
    { unit: 'ops/s', value: ours, baselines },
    `RTT ${rttMs} ms, ${plan.bandwidthBitsPerSecond / 1e6} Mbit/s; ${count} queued inserts; best of ` +
      `${plan.pushRounds} (raw-sequential: one run); ` +
      `floor: ${plan.floorInFlight} in flight${sdkNote}`,
  );
}

/** Runs every latency scenario into `report`; a failing scenario is reported and the rest go on. */
export async function wanScenarios(
  report: BenchReport,
  folder: string,
  plan: WanPlan,
  progress: (message: string) => void,
): Promise<void> {
  const backend = await startBenchBackend();
  try {
    progress(`latency scenarios: a server of their own, seeded with ${plan.pullRecords} todo items`);
    seedServerTodos(backend.dataDir, plan.pullRecords);
    // The server's first requests are slow (its code is not compiled yet): warm it up.
    await rawPaging(backend.url, { pageSize: PAGE_SIZE });
    // Every pull first: the pushes add records, and each pull must find exactly the seeded ones.
    const lines: { rttMs: number; line: DelayLine }[] = [];
    try {
      for (const rttMs of plan.rtts) {
        const bandwidthBitsPerSecond = plan.bandwidthBitsPerSecond;
        lines.push({
          rttMs,
          line: await startDelayLine(backend.url, { rttMs, bandwidthBitsPerSecond, rewriteHost: true }),
        });
      }
      for (const { rttMs, line } of lines) {
        const id = wanScenarioId('pull-initial', plan.pullRecords, rttMs);
        progress(id);
        await pullScenario(report, line, rttMs, plan, folder).catch((error: unknown) =>
          report.fail(id, error),
        );
      }
      for (const { rttMs, line } of lines) {
        const id = wanScenarioId('push-inserts', plan.pushCount, rttMs);
        progress(id);
        await pushScenario(report, line, rttMs, plan, folder).catch((error: unknown) =>
          report.fail(id, error),
        );
      }
    } finally {
      await Promise.all(lines.map(({ line }) => line.stop()));
    }
  } finally {
    await backend.stop();
  }
}
