/**
 * One app installation for the reliability suites: its own store file and the real sync
 * engine (MobileServiceClient → sync context → sync table), pointed at a URL (usually the
 * fault proxy). Several suites share one real server, so each run keeps to its own slice of
 * ids (`<prefix>…`) and pulls only that slice: a filtered pull, as the SDK allows.
 */
import type { ConflictPolicy } from '../../../common/sync-types';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { openStore, type LocalStore } from '../../../main/store';
import { BACKEND_KEY_HEADER, backendKeyFor } from '../../support/backend';
import {
  MobileServiceClient,
  Query,
  SyncError,
  type LocalRecord,
  type ObservedRequest,
  type SyncContext,
  type SyncIssueDetails,
  type SyncTable,
} from '../../../main/sync';

export interface SyncClientOptions {
  name: string;
  dbPath: string;
  backendUrl: string;
  policy: ConflictPolicy;
  /** Every record id this client creates or pulls starts with it. */
  idPrefix: string;
  timeoutMs: number;
  /** Rows per pull request (default: the engine's). Small pages make pulls span many requests. */
  pullPageSize?: number;
  /** Pull pages requested at once after the first (default: the engine's). */
  pullPagesInFlight?: number;
  /** Awaited before each request leaves (a test acts on the server between a pull's pages). */
  onRequest?: (request: ObservedRequest) => void | Promise<void>;
  /** The test backend's key; by default the one this process knows for backendUrl. */
  backendKey?: string | null;
}

export interface StepOutcome {
  ok: boolean;
  /** The typed error's code, or 'unexpected' for anything that is not a SyncError. */
  errorCode: string | null;
  errorMessage: string | null;
}

export interface SyncClient {
  readonly name: string;
  readonly installationId: string;
  readonly store: LocalStore;
  readonly context: SyncContext;
  readonly table: SyncTable<LocalRecord>;
  push(): Promise<StepOutcome>;
  pull(): Promise<StepOutcome>;
  /** Push then pull, as Sync Now does. */
  sync(): Promise<StepOutcome>;
  localTodos(): TodoItem[];
  pendingOperations(): number;
  issues(): SyncIssueDetails[];
  close(): void;
}

/** The upper bound of a prefix range: the same prefix with its last separator bumped. */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function outcomeOf(error: unknown): StepOutcome {
  if (error instanceof SyncError) return { ok: false, errorCode: error.code, errorMessage: error.message };
  const message =
    error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return { ok: false, errorCode: 'unexpected', errorMessage: message };
}

const OK: StepOutcome = { ok: true, errorCode: null, errorMessage: null };

export async function openSyncClient(options: SyncClientOptions): Promise<SyncClient> {
  const store = openStore({ path: options.dbPath, tables: [todoTable] });
  const key = options.backendKey ?? backendKeyFor(options.backendUrl);
  const keyHeaders: Record<string, string> = key === null ? {} : { [BACKEND_KEY_HEADER]: key };
  const client = new MobileServiceClient(options.backendUrl, {
    extraHeaders: () => keyHeaders,
    timeoutMs: options.timeoutMs,
    defaultConflictPolicy: options.policy,
    onRequest: options.onRequest,
  });
  const context = client.getSyncContext();
  await context.initialize(store);
  context.setConflictPolicy(todoTable.name, options.policy);
  const table = client.getSyncTable(todoTable.name);
  const installationId = context.installationId();
  if (!installationId) throw new Error('The sync context has no installation id after initialize');
  const slice = { ge: options.idPrefix, lt: prefixUpperBound(options.idPrefix) };
  const queryId = `reliability-${options.idPrefix.replace(/[^A-Za-z0-9_.:-]/g, '_')}`;
  const pullSettings =
    options.pullPageSize || options.pullPagesInFlight
      ? { pageSize: options.pullPageSize, pagesInFlight: options.pullPagesInFlight }
      : undefined;
  const sliceQuery = (): Query<Record<string, unknown>> =>
    new Query<Record<string, unknown>>(todoTable.name).where({ id: slice });

  async function step(run: () => Promise<unknown>): Promise<StepOutcome> {
    try {
      await run();
      return OK;
    } catch (error) {
      return outcomeOf(error);
    }
  }

  /** A push that kept operations for the next sync (a 500…) did not fully succeed either. */
  async function pushStep(): Promise<StepOutcome> {
    try {
      const result = await context.push();
      return result.deferredError ? outcomeOf(result.deferredError) : OK;
    } catch (error) {
      return outcomeOf(error);
    }
  }

  return {
    name: options.name,
    installationId,
    store,
    context,
    table,
    push: pushStep,
    pull: () => step(() => context.pull(sliceQuery(), queryId, pullSettings)),
    async sync() {
      // As Sync Now: operations left for later do not hold back the pull.
      const pushed = await pushStep();
      if (!pushed.ok && pushed.errorCode !== 'server' && pushed.errorCode !== 'bad-response') return pushed;
      const pulled = await step(() => context.pull(sliceQuery(), queryId, pullSettings));
      return pulled.ok ? pushed : pulled;
    },
    localTodos() {
      return store.table(todoTable).query({ orderBy: [{ column: 'id' }] }).items;
    },
    pendingOperations() {
      return store.operations.list().length;
    },
    issues() {
      return context.listIssues();
    },
    close() {
      store.close();
    },
  };
}
