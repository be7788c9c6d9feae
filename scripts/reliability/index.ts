/**
 * npm run reliability [-- --quick] [--only crash,convergence,bad-input,bad-reply,database-start,
 *                      ties-during-pull,low-max-top,mixed-500,oversize-records]
 *                     [--seeds 3,17] [--policies ask,merge]
 *
 * Runs the reliability suites against the real server (one started here, 127.0.0.1): crashes
 * (SIGKILL at write, push and pull points), three-installation convergence under every
 * conflict policy through the fault proxy, malformed IPC payloads, malformed server replies
 * and damaged database files; then the protocol's hard cases, randomized: timestamp ties
 * updated while they are pulled, servers with a lower maxTop (their own servers), 500s on
 * some operations while others go through, and records over a 100 kB body limit. Prints a table of figures and every finding with the command
 * that replays it, writes reliability-results.json at the repository root, and exits non-zero
 * when anything failed. --quick is a reduced run (under two minutes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../../common/sync-types';
import { startTestBackend } from '../../test/support/backend';
import { runBadInput } from '../../test/reliability/support/bad-input';
import { BAD_REPLY_CASES, runBadReplyCase } from '../../test/reliability/support/bad-reply';
import { runConvergence } from '../../test/reliability/support/convergence';
import { KILL_POINTS, runCrashSeed, type KillPoint } from '../../test/reliability/support/crash';
import { DATABASE_START_CHECKS, runDatabaseStartCheck } from '../../test/reliability/support/database-start';
import { FAULT_KINDS, type FaultKind } from '../../test/reliability/support/fault-proxy';
import { describeFinding, type Finding } from '../../test/reliability/support/findings';
import { runMixed500 } from '../../test/reliability/support/mixed-500';
import { runOversizeRecords } from '../../test/reliability/support/oversize-records';
import { seedsFrom } from '../../test/reliability/support/random';
import { runTiesDuringPull } from '../../test/reliability/support/ties-during-pull';

const SUITES = [
  'crash',
  'convergence',
  'bad-input',
  'bad-reply',
  'database-start',
  'ties-during-pull',
  'low-max-top',
  'mixed-500',
  'oversize-records',
] as const;
type Suite = (typeof SUITES)[number];

interface Plan {
  crashSeeds: number[];
  killsPerSeed: number;
  crashSteps: number;
  convergenceSeeds: number[];
  policies: ConflictPolicy[];
  convergenceSteps: number;
  badInputLimit: number | undefined;
  /** Each seed runs page by page and with pages in flight. */
  tiesSeeds: number[];
  tiesRows: [number, number];
  tiesRounds: number;
  /** Each maxTop gets its own server; each seed runs there under policies in turn. */
  lowMaxTops: number[];
  lowMaxTopSeeds: number[];
  mixed500Seeds: number[];
  mixed500Steps: number;
  oversizeSeeds: number[];
  oversizeSteps: number;
}

const FULL: Plan = {
  crashSeeds: seedsFrom(1, 12),
  killsPerSeed: 5,
  crashSteps: 10,
  convergenceSeeds: seedsFrom(1, 20),
  policies: [...CONFLICT_POLICIES],
  convergenceSteps: 40,
  badInputLimit: undefined,
  tiesSeeds: seedsFrom(1, 8),
  tiesRows: [60, 250],
  tiesRounds: 3,
  lowMaxTops: [7, 25, 100],
  lowMaxTopSeeds: seedsFrom(1, 4),
  mixed500Seeds: seedsFrom(1, 10),
  mixed500Steps: 80,
  oversizeSeeds: seedsFrom(1, 6),
  oversizeSteps: 40,
};

const QUICK: Plan = {
  crashSeeds: seedsFrom(1, 2),
  killsPerSeed: 3,
  crashSteps: 8,
  convergenceSeeds: seedsFrom(1, 2),
  policies: [...CONFLICT_POLICIES],
  convergenceSteps: 25,
  badInputLimit: undefined,
  tiesSeeds: seedsFrom(1, 1),
  tiesRows: [40, 80],
  tiesRounds: 2,
  lowMaxTops: [7, 25, 100],
  lowMaxTopSeeds: seedsFrom(1, 1),
  mixed500Seeds: seedsFrom(1, 2),
  mixed500Steps: 40,
  oversizeSeeds: seedsFrom(1, 1),
  oversizeSteps: 30,
};

const FAULT_RATE = 0.15;
const CLIENT_TIMEOUT_MS = 800;
/** For the cases without timeouts injected: long enough never to fire on a busy machine. */
const PATIENT_TIMEOUT_MS = 10_000;
const TIES_PAGES_IN_FLIGHT = [1, 4] as const;

interface Results {
  faultsInjected: number;
  crashKills: number;
  convergenceSeeds: number;
  badInputs: number;
  lostEdits: number;
  duplicates: number;
  divergedSeeds: number;
  processCrashes: number;
  /** Pulls of a timestamp tie while another writer changed it (each seed × pages in flight). */
  tiesUpdatedDuringPull: number;
  /** Convergence runs against servers with a maxTop below 1,000. */
  lowMaxTopServers: number;
  /** Writes answered 500 while other operations went through. */
  mixed500Operations: number;
  /** Inserts and edits whose notes exceeded a 100 kB body limit. */
  oversizeRecords: number;
  // Beyond the required keys: the detail behind them.
  mode: 'full' | 'quick';
  /** Only some suites, seeds or policies were run (--only, --seeds, --policies). */
  partial: boolean;
  durationMs: number;
  faultsByKind: Record<FaultKind, number>;
  crashKillsByPoint: Record<KillPoint, number>;
  crashSeeds: number;
  acknowledgedEdits: number;
  convergenceRuns: number;
  policies: ConflictPolicy[];
  badServerReplies: number;
  badServerRepliesPassed: number;
  databaseStartChecks: number;
  databaseStartChecksPassed: number;
  /** Conflicts a lone installation showed its person after crashes or lost replies alone. */
  spuriousIssuesShown: number;
  /** Conflicts an installation had with its own earlier write (its reply was lost). */
  selfConflicts: number;
  unexpectedErrors: number;
  tiesRows: number;
  tiesWritesDuringPull: number;
  /** Rows missing or at an old version after the final pull (must be 0). */
  tiesLostOrStale: number;
  lowMaxTops: number[];
  /** Pull requests a low-maxTop server refused, after which the clients kept within it. */
  lowMaxTopRefusals: number;
  mixed500Runs: number;
  /** Writes that went through while the 500s were on. */
  mixed500GoodWrites: number;
  /** Sync passes that left operations for later and pulled regardless. */
  mixed500PassesRetrying: number;
  /** Other installations' rows that arrived in such passes. */
  mixed500ArrivedWhileRetrying: number;
  oversizeRuns: number;
  /** Refused changes listed for the oversize records (must equal oversizeRecords). */
  oversizeRefusals: number;
  findings: string[];
  /** Per failing record: every edit, request and sighting, to debug a finding. */
  timelines: Record<string, string[]>;
}

function parseList(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : undefined;
}

function parseOptions(): { plan: Plan; suites: Suite[]; mode: Results['mode']; partial: boolean } {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      seeds: { type: 'string' },
      policies: { type: 'string' },
    },
  });
  const plan: Plan = { ...(values.quick ? QUICK : FULL) };
  const only = parseList(values.only);
  for (const suite of only ?? []) {
    if (!SUITES.includes(suite as Suite)) throw new Error(`Unknown suite "${suite}" (${SUITES.join(', ')})`);
  }
  const seeds = parseList(values.seeds)?.map((seed) => {
    const parsed = Number(seed);
    if (!Number.isInteger(parsed)) throw new Error(`Not a seed: ${seed}`);
    return parsed;
  });
  if (seeds) {
    plan.crashSeeds = seeds;
    plan.convergenceSeeds = seeds;
    plan.tiesSeeds = seeds;
    plan.lowMaxTopSeeds = seeds;
    plan.mixed500Seeds = seeds;
    plan.oversizeSeeds = seeds;
  }
  const policies = parseList(values.policies);
  for (const policy of policies ?? []) {
    if (!CONFLICT_POLICIES.includes(policy as ConflictPolicy)) throw new Error(`Unknown policy "${policy}"`);
  }
  if (policies) plan.policies = policies as ConflictPolicy[];
  const partial = Boolean(only || seeds || policies);
  return {
    plan,
    suites: (only as Suite[] | undefined) ?? [...SUITES],
    mode: values.quick ? 'quick' : 'full',
    partial,
  };
}

function zeroFaults(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
}

function addFaults(into: Record<FaultKind, number>, from: Readonly<Record<FaultKind, number>>): void {
  for (const kind of FAULT_KINDS) into[kind] += from[kind];
}

function progress(line: string): void {
  process.stdout.write(`${line}\n`);
}

function replayCommand(finding: Finding, mode: Results['mode']): string {
  const quick = mode === 'quick' ? ' --quick' : '';
  const seed = /seed (\d+)/.exec(finding.replay)?.[1];
  const policy = /policy ([a-z-]+)/.exec(finding.replay)?.[1];
  if (
    ['crash', 'convergence', 'low-max-top', 'ties-during-pull', 'mixed-500', 'oversize-records'].includes(
      finding.suite,
    )
  ) {
    return `npm run reliability --${quick} --only ${finding.suite} --seeds ${seed ?? '?'}${policy ? ` --policies ${policy}` : ''}`;
  }
  return `npm run reliability --${quick} --only ${finding.suite}`;
}

function printTable(results: Results): void {
  const rows: [string, string | number, string][] = [
    ['faultsInjected', results.faultsInjected, 'faults the proxy injected (all suites)'],
    ['crashKills', results.crashKills, `SIGKILLs mid-run over ${results.crashSeeds} crash seeds`],
    [
      'convergenceSeeds',
      results.convergenceSeeds,
      `${results.convergenceRuns} runs: each seed × ${results.policies.join(', ')}`,
    ],
    ['badInputs', results.badInputs, 'malformed IPC payloads through the real dispatcher'],
    ['lostEdits', results.lostEdits, 'acknowledged edits or final intentions that vanished'],
    ['duplicates', results.duplicates, 'records on the server nobody created, or created twice'],
    ['divergedSeeds', results.divergedSeeds, 'seeds where a local store did not equal the server'],
    ['processCrashes', results.processCrashes, 'processes that died on their own'],
    [
      'tiesUpdatedDuringPull',
      results.tiesUpdatedDuringPull,
      `tie pulls (${results.tiesRows} tied rows, ${results.tiesWritesDuringPull} writes meanwhile), ${results.tiesLostOrStale} lost or stale`,
    ],
    [
      'lowMaxTopServers',
      results.lowMaxTopServers,
      `convergence runs on maxTop ${results.lowMaxTops.join('/')} servers, ${results.lowMaxTopRefusals} pages refused then kept within`,
    ],
    [
      'mixed500Operations',
      results.mixed500Operations,
      `writes answered 500 beside ${results.mixed500GoodWrites} good ones; ${results.mixed500PassesRetrying} passes retrying still pulled ${results.mixed500ArrivedWhileRetrying} rows`,
    ],
    [
      'oversizeRecords',
      results.oversizeRecords,
      `notes over a 100 kB body limit, ${results.oversizeRefusals} refused plainly, the rest synced`,
    ],
    ['acknowledgedEdits', results.acknowledgedEdits, 'edits the crash worker acknowledged'],
    [
      'badServerReplies',
      `${results.badServerRepliesPassed}/${results.badServerReplies}`,
      'malformed replies recorded, queue intact',
    ],
    [
      'databaseStartChecks',
      `${results.databaseStartChecksPassed}/${results.databaseStartChecks}`,
      'corrupt / locked / read-only files kept, clear message',
    ],
    ['selfConflicts', results.selfConflicts, 'conflicts with one’s own earlier write (lost replies)'],
    ['spuriousIssuesShown', results.spuriousIssuesShown, 'issues a lone installation showed after crashes'],
    ['unexpectedErrors', results.unexpectedErrors, 'untyped errors thrown by the engine or services'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  progress('');
  progress(
    `Reliability (${results.mode}${results.partial ? ', partial' : ''} run, ${(results.durationMs / 1000).toFixed(1)} s)`,
  );
  progress(`${'-'.repeat(width + valueWidth + 60)}`);
  for (const [name, value, meaning] of rows) {
    progress(`${name.padEnd(width)}  ${String(value).padStart(valueWidth)}  ${meaning}`);
  }
  progress(`${'-'.repeat(width + valueWidth + 60)}`);
  const kinds = FAULT_KINDS.filter((kind) => results.faultsByKind[kind] > 0)
    .map((kind) => `${kind} ${results.faultsByKind[kind]}`)
    .join(', ');
  progress(`faults by kind: ${kinds || 'none'}`);
  progress(
    `kills by point: ${KILL_POINTS.map((point) => `${point} ${results.crashKillsByPoint[point]}`).join(', ')}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const { plan, suites, mode, partial } = parseOptions();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-reliability-'));
  const findings: Finding[] = [];
  const timelines: Record<string, string[]> = {};
  const results: Results = {
    faultsInjected: 0,
    crashKills: 0,
    convergenceSeeds: 0,
    badInputs: 0,
    lostEdits: 0,
    duplicates: 0,
    divergedSeeds: 0,
    processCrashes: 0,
    mode,
    partial,
    durationMs: 0,
    faultsByKind: zeroFaults(),
    crashKillsByPoint: Object.fromEntries(KILL_POINTS.map((point) => [point, 0])) as Record<
      KillPoint,
      number
    >,
    crashSeeds: 0,
    acknowledgedEdits: 0,
    convergenceRuns: 0,
    policies: plan.policies,
    badServerReplies: 0,
    badServerRepliesPassed: 0,
    databaseStartChecks: 0,
    databaseStartChecksPassed: 0,
    spuriousIssuesShown: 0,
    selfConflicts: 0,
    unexpectedErrors: 0,
    tiesUpdatedDuringPull: 0,
    lowMaxTopServers: 0,
    mixed500Operations: 0,
    oversizeRecords: 0,
    tiesRows: 0,
    tiesWritesDuringPull: 0,
    tiesLostOrStale: 0,
    lowMaxTops: plan.lowMaxTops,
    lowMaxTopRefusals: 0,
    mixed500Runs: 0,
    mixed500GoodWrites: 0,
    mixed500PassesRetrying: 0,
    mixed500ArrivedWhileRetrying: 0,
    oversizeRuns: 0,
    oversizeRefusals: 0,
    findings: [],
    timelines: {},
  };
  const diverged = new Set<string>();
  // Anything thrown outside a suite's own handling is a crash of this process's services.
  const onUncaught = (error: unknown): void => {
    results.processCrashes++;
    findings.push({
      suite: 'crash',
      replay: 'this run',
      category: 'process-crash',
      detail: `uncaught in the runner: ${error instanceof Error ? error.stack : String(error)}`,
    });
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const keepTimelines = (from: Record<string, string[]>): void => {
    for (const [id, lines] of Object.entries(from)) timelines[id] = lines.slice(0, 120);
  };

  const backend = await startTestBackend();
  try {
    if (suites.includes('crash')) {
      for (const seed of plan.crashSeeds) {
        const policy = plan.policies[seed % plan.policies.length] as ConflictPolicy;
        const outcome = await runCrashSeed({
          seed,
          policy,
          serverUrl: backend.url,
          workDir,
          kills: plan.killsPerSeed,
          faultRate: FAULT_RATE,
          clientTimeoutMs: CLIENT_TIMEOUT_MS,
          steps: plan.crashSteps,
        });
        results.crashSeeds++;
        results.crashKills += outcome.kills;
        for (const point of KILL_POINTS) results.crashKillsByPoint[point] += outcome.killsByPoint[point];
        results.lostEdits += outcome.lostEdits;
        results.duplicates += outcome.duplicates;
        results.processCrashes += outcome.processCrashes;
        results.acknowledgedEdits += outcome.acknowledgedEdits;
        results.spuriousIssuesShown += outcome.issuesShown.length;
        addFaults(results.faultsByKind, outcome.faults);
        if (outcome.findings.some((f) => f.category === 'diverged')) diverged.add(`crash ${seed}`);
        findings.push(...outcome.findings);
        keepTimelines(outcome.timelines);
        progress(
          `crash seed ${seed} (${policy}): ${outcome.kills} kills, ${outcome.acknowledgedEdits} acknowledged edits, ` +
            `${outcome.faultsInjected} faults — ${outcome.findings.length === 0 ? 'ok' : `${outcome.findings.length} findings`}`,
        );
      }
    }

    if (suites.includes('convergence')) {
      for (const seed of plan.convergenceSeeds) {
        let seedDiverged = false;
        for (const policy of plan.policies) {
          const outcome = await runConvergence({
            seed,
            policy,
            serverUrl: backend.url,
            workDir,
            steps: plan.convergenceSteps,
            faultRate: FAULT_RATE,
            clientTimeoutMs: CLIENT_TIMEOUT_MS,
          });
          results.convergenceRuns++;
          results.lostEdits += outcome.lostEdits;
          results.duplicates += outcome.duplicates;
          results.selfConflicts += outcome.stats.selfConflicts;
          results.unexpectedErrors += outcome.findings.filter(
            (f) => f.category === 'unexpected-error',
          ).length;
          addFaults(results.faultsByKind, outcome.faults);
          if (!outcome.converged) seedDiverged = true;
          findings.push(...outcome.findings);
          keepTimelines(outcome.timelines);
          progress(
            `convergence seed ${seed} ${policy}: ${outcome.stats.edits} edits, ${outcome.stats.syncSteps} syncs, ` +
              `${outcome.faultsInjected} faults, ${outcome.stats.realConflicts} conflicts, ` +
              `${outcome.stats.issuesListed} listed — ${outcome.findings.length === 0 ? 'ok' : `${outcome.findings.length} findings`}`,
          );
        }
        results.convergenceSeeds++;
        if (seedDiverged) diverged.add(`convergence ${seed}`);
      }
    }

    if (suites.includes('bad-input')) {
      const outcome = await runBadInput({ limit: plan.badInputLimit });
      results.badInputs = outcome.cases;
      results.unexpectedErrors += outcome.findings.filter((f) => f.category === 'unexpected-error').length;
      findings.push(...outcome.findings);
      progress(`bad input: ${outcome.passed}/${outcome.cases} malformed payloads refused cleanly`);
    }

    if (suites.includes('bad-reply')) {
      let index = 0;
      for (const badCase of BAD_REPLY_CASES) {
        const outcome = await runBadReplyCase(badCase, { serverUrl: backend.url, workDir, index: ++index });
        results.badServerReplies++;
        results.faultsByKind[badCase.fault]++;
        if (outcome.passed) results.badServerRepliesPassed++;
        results.lostEdits += outcome.findings.filter((f) => f.category === 'lost-edit').length;
        findings.push(...outcome.findings);
        progress(
          `bad reply: ${outcome.name} → ${outcome.passed ? 'ok' : 'FAILED'} (${outcome.recordedAs.slice(0, 100)})`,
        );
      }
    }

    if (suites.includes('database-start')) {
      for (const name of DATABASE_START_CHECKS) {
        const outcome = await runDatabaseStartCheck(name);
        results.databaseStartChecks++;
        if (outcome.passed) results.databaseStartChecksPassed++;
        else
          findings.push({
            suite: 'database-start',
            replay: name,
            category: 'wrote-data',
            detail: `${name}: ${outcome.detail}`,
          });
        progress(`database start: ${name} → ${outcome.passed ? 'ok' : 'FAILED'}: ${outcome.detail}`);
      }
    }

    if (suites.includes('ties-during-pull')) {
      for (const seed of plan.tiesSeeds) {
        for (const pagesInFlight of TIES_PAGES_IN_FLIGHT) {
          const outcome = await runTiesDuringPull({
            seed,
            pagesInFlight,
            serverUrl: backend.url,
            serverDataDir: backend.dataDir,
            workDir,
            rows: plan.tiesRows,
            rounds: plan.tiesRounds,
            clientTimeoutMs: PATIENT_TIMEOUT_MS,
          });
          const writes = Object.values(outcome.writes).reduce((sum, n) => sum + n, 0);
          results.tiesUpdatedDuringPull++;
          results.tiesRows += outcome.tieRows;
          results.tiesWritesDuringPull += writes;
          results.tiesLostOrStale += outcome.lost + outcome.stale;
          results.lostEdits += outcome.lost;
          results.duplicates += outcome.duplicates;
          if (outcome.lost + outcome.stale > 0) diverged.add(`ties ${seed}/${pagesInFlight}`);
          findings.push(...outcome.findings);
          progress(
            `ties during pull seed ${seed}, ${pagesInFlight} in flight: ${outcome.tieRows} tied rows in pages of ${outcome.pageSize}, ` +
              `${writes} writes meanwhile, ${outcome.pageRequests} pages — ${outcome.findings.length === 0 ? 'ok' : `${outcome.findings.length} findings`}`,
          );
        }
      }
    }

    if (suites.includes('low-max-top')) {
      let run = 0;
      for (const maxTop of plan.lowMaxTops) {
        const limited = await startTestBackend({ maxTop });
        try {
          for (const seed of plan.lowMaxTopSeeds) {
            const policy = plan.policies[run++ % plan.policies.length] as ConflictPolicy;
            const outcome = await runConvergence({
              seed,
              policy,
              serverUrl: limited.url,
              serverMaxTop: maxTop,
              // More todos than two pages, so the first pulls span several.
              initialTodos: 2 * maxTop + 3,
              workDir,
              steps: plan.convergenceSteps,
              faultRate: FAULT_RATE,
              clientTimeoutMs: CLIENT_TIMEOUT_MS,
            });
            results.lowMaxTopServers++;
            results.lowMaxTopRefusals += outcome.stats.pageLimitRefusals;
            results.lostEdits += outcome.lostEdits;
            results.duplicates += outcome.duplicates;
            results.selfConflicts += outcome.stats.selfConflicts;
            results.unexpectedErrors += outcome.findings.filter(
              (f) => f.category === 'unexpected-error',
            ).length;
            addFaults(results.faultsByKind, outcome.faults);
            const replay = `low-max-top ${maxTop} seed ${seed} policy ${policy}`;
            const own = outcome.findings.map((f) => ({ ...f, suite: 'low-max-top' as const, replay }));
            if (outcome.stats.pageLimitRefusals === 0 || outcome.stats.largestPage > maxTop) {
              own.push({
                suite: 'low-max-top',
                replay,
                category: 'wrong-error',
                detail: `${outcome.stats.pageLimitRefusals} pages refused, largest reply ${outcome.stats.largestPage} rows (limit ${maxTop})`,
              });
            }
            if (!outcome.converged) diverged.add(`low-max-top ${maxTop} ${seed}`);
            findings.push(...own);
            keepTimelines(outcome.timelines);
            progress(
              `low maxTop ${maxTop} seed ${seed} ${policy}: ${outcome.stats.edits} edits, ${outcome.stats.pageLimitRefusals} pages refused, ` +
                `largest page ${outcome.stats.largestPage}, ${outcome.faultsInjected} faults — ${own.length === 0 ? 'ok' : `${own.length} findings`}`,
            );
          }
        } finally {
          await limited.stop();
        }
      }
    }

    if (suites.includes('mixed-500')) {
      for (const seed of plan.mixed500Seeds) {
        const outcome = await runMixed500({
          seed,
          serverUrl: backend.url,
          workDir,
          steps: plan.mixed500Steps,
          clientTimeoutMs: PATIENT_TIMEOUT_MS,
        });
        results.mixed500Runs++;
        results.mixed500Operations += outcome.stats.failedWrites;
        results.faultsByKind['http-500'] += outcome.stats.failedWrites;
        results.mixed500GoodWrites += outcome.stats.goodWrites;
        results.mixed500PassesRetrying += outcome.stats.passesRetrying;
        results.mixed500ArrivedWhileRetrying += outcome.stats.arrivedWhileRetrying;
        results.lostEdits += outcome.lostEdits;
        results.duplicates += outcome.duplicates;
        results.unexpectedErrors += outcome.findings.filter((f) => f.category === 'unexpected-error').length;
        if (!outcome.converged) diverged.add(`mixed-500 ${seed}`);
        findings.push(...outcome.findings);
        progress(
          `500s mixed seed ${seed}: ${outcome.stats.failedWrites} writes failed, ${outcome.stats.goodWrites} went through, ` +
            `${outcome.stats.passesRetrying} passes retrying — ${outcome.findings.length === 0 ? 'ok' : `${outcome.findings.length} findings`}`,
        );
      }
    }

    if (suites.includes('oversize-records')) {
      const limited = await startTestBackend({ bodyLimit: '100kb' });
      try {
        for (const seed of plan.oversizeSeeds) {
          const outcome = await runOversizeRecords({
            seed,
            serverUrl: limited.url,
            workDir,
            steps: plan.oversizeSteps,
            clientTimeoutMs: PATIENT_TIMEOUT_MS,
          });
          results.oversizeRuns++;
          results.oversizeRecords += outcome.stats.oversizeEdits;
          results.oversizeRefusals += outcome.stats.refusals;
          results.lostEdits += outcome.lostEdits;
          results.duplicates += outcome.duplicates;
          results.unexpectedErrors += outcome.findings.filter(
            (f) => f.category === 'unexpected-error',
          ).length;
          if (!outcome.converged) diverged.add(`oversize ${seed}`);
          findings.push(...outcome.findings);
          progress(
            `oversize seed ${seed}: ${outcome.stats.oversizeEdits} oversize changes, ${outcome.stats.refusals} refusals, ` +
              `${outcome.stats.edits - outcome.stats.oversizeEdits} within the limits — ${outcome.findings.length === 0 ? 'ok' : `${outcome.findings.length} findings`}`,
          );
        }
      } finally {
        await limited.stop();
      }
    }
  } finally {
    await backend.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }

  results.divergedSeeds = diverged.size;
  results.faultsInjected = FAULT_KINDS.reduce((sum, kind) => sum + results.faultsByKind[kind], 0);
  results.durationMs = Date.now() - started;
  results.findings = findings.map(describeFinding);
  results.timelines = timelines;
  const output = path.resolve(__dirname, '..', '..', 'reliability-results.json');
  fs.writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);

  printTable(results);
  if (findings.length > 0) {
    progress(`\n${findings.length} finding(s):`);
    for (const finding of findings) {
      progress(
        `- ${describeFinding(finding).slice(0, 600)}\n  replay: ${replayCommand(finding, results.mode)}`,
      );
    }
    progress(`\nTimelines of the records involved are in ${path.basename(output)} ("timelines").`);
  }
  progress(`\nWrote ${output}`);
  const acceptable =
    findings.length === 0 &&
    results.lostEdits === 0 &&
    results.duplicates === 0 &&
    results.divergedSeeds === 0 &&
    results.processCrashes === 0;
  process.exitCode = acceptable ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The reliability run could not complete: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 2;
});
