/**
 * Malformed IPC messages through the real dispatcher and the real handlers (app services over
 * a real store): each must get the typed error its case names, change nothing in the store
 * (rows, operation queue, sync issues, settings), and leave the process answering normal
 * requests. Also: hostile but valid text (SQL, markup) is stored verbatim and hurts nothing,
 * and no payload pollutes Object.prototype.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcResult } from '../../../common/ipc-contract';
import { todoTable } from '../../../common/todo-table';
import { createIpcDispatcher, type IpcDispatch } from '../../../main/ipc/dispatch';
import { isAppMainFrame } from '../../../main/ipc/trusted-sender';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import { silentLogger } from '../../../main/services/logger';
import { APP_SENDER, generateBadIpcCases, type BadIpcCase } from './bad-ipc-payloads';
import type { Finding } from './findings';

export interface BadInputOutcome {
  cases: number;
  byKind: Record<string, number>;
  passed: number;
  findings: Finding[];
  hostileValidChecks: number;
}

const QUIET_DISPATCH_LOGGER = { warn: () => undefined, error: () => undefined };

/** Everything a request could have written, as comparable text. */
function snapshot(services: AppServices): string {
  const { store, settings } = services.parts;
  const rows = store.table(todoTable).query({ orderBy: [{ column: 'id' }] }).items;
  return JSON.stringify({
    rows,
    operations: store.operations.list(),
    issues: store.syncIssues.list(),
    settings: settings.view(),
    watermarks: store.watermarks.get(todoTable.name, `all-${todoTable.name}`) ?? null,
  });
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return (text ?? String(value)).slice(0, 160);
  } catch {
    return String(value).slice(0, 160);
  }
}

async function healthy(dispatch: IpcDispatch): Promise<boolean> {
  const result = await dispatch(APP_SENDER, 'todos:query', { filter: 'all', skip: 0, take: 5 });
  return result.ok;
}

export async function runBadInput(options: { limit?: number } = {}): Promise<BadInputOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-badinput-'));
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'bad-input', replay: 'bad-input (deterministic cases)', category, detail });
  };
  // No network: a closed port, and working offline so nothing syncs in the background.
  const services = await createAppServices({
    userDataPath: dir,
    backendUrl: 'http://127.0.0.1:9',
    logger: silentLogger,
    requestTimeoutMs: 1000,
  });
  const dispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: isAppMainFrame,
    logger: QUIET_DISPATCH_LOGGER,
  });
  let passed = 0;
  let hostileValidChecks = 0;
  const all = generateBadIpcCases();
  const cases = options.limit ? spread(all, options.limit) : all;
  const byKind: Record<string, number> = {};

  try {
    const offline = await dispatch(APP_SENDER, 'settings:set', { workOffline: true });
    if (!offline.ok) throw new Error(`Could not go offline: ${describe(offline)}`);
    // Some data and a queue for the bad requests to (not) touch.
    for (const text of ['Buy milk', 'Call Ada', 'Écrire 📝 à Zoé']) {
      const added = await dispatch(APP_SENDER, 'todos:add', { text, notes: null });
      if (!added.ok) throw new Error(`Could not add a todo: ${describe(added)}`);
    }

    for (const badCase of cases) {
      byKind[badCase.kind] = (byKind[badCase.kind] ?? 0) + 1;
      if (await runCase(badCase)) passed++;
    }

    // Hostile but valid: stored verbatim, nothing else touched, tables intact.
    for (const text of [
      "Robert'); DROP TABLE todoitem;--",
      '<img src=x onerror=alert(1)>',
      '%s%n%x',
      '\u202Eevil',
    ]) {
      hostileValidChecks++;
      const before = services.parts.store.table(todoTable).count();
      const added = await dispatch(APP_SENDER, 'todos:add', { text, notes: text });
      const stored = added.ok
        ? services.parts.store.table(todoTable).lookup((added.value as { id: string }).id)
        : undefined;
      if (!added.ok || stored?.text !== text || stored.notes !== text) {
        note(
          'wrong-error',
          `valid hostile text ${JSON.stringify(text)} was not stored verbatim: ${describe(added)}`,
        );
      } else if (services.parts.store.table(todoTable).count() !== before + 1) {
        note('wrote-data', `adding ${JSON.stringify(text)} changed more than one row`);
      }
      const searched = await dispatch(APP_SENDER, 'todos:query', {
        filter: 'all',
        search: text,
        skip: 0,
        take: 10,
      });
      if (!searched.ok)
        note('wrong-error', `searching for ${JSON.stringify(text)} failed: ${describe(searched)}`);
    }
    const probe: Record<string, unknown> = {};
    if ('polluted' in probe || 'isAdmin' in probe)
      note('wrote-data', 'Object.prototype was polluted by a payload');
  } finally {
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { cases: cases.length, byKind, passed, findings, hostileValidChecks };

  async function runCase(badCase: BadIpcCase): Promise<boolean> {
    const before = snapshot(services);
    let result: IpcResult<unknown>;
    try {
      result = await dispatch(badCase.sender, badCase.channel, badCase.payload);
    } catch (error) {
      note(
        'unexpected-error',
        `${badCase.name}: the dispatcher threw instead of answering: ${String(error)}`,
      );
      return false;
    }
    let ok = true;
    if (result.ok) {
      note(
        'wrong-error',
        `${badCase.name}: accepted (${describe(badCase.payload)}) → ${describe(result.value)}`,
      );
      ok = false;
    } else if (result.error.code !== badCase.expectedCode) {
      note(
        'wrong-error',
        `${badCase.name}: expected ${badCase.expectedCode}, got ${result.error.code}: ${result.error.message}`,
      );
      ok = false;
    } else if (typeof result.error.message !== 'string' || result.error.message.length < 10) {
      note(
        'wrong-error',
        `${badCase.name}: the error has no sentence for the person: ${describe(result.error)}`,
      );
      ok = false;
    }
    if (snapshot(services) !== before) {
      note('wrote-data', `${badCase.name}: the store changed`);
      ok = false;
    }
    if (!(await healthy(dispatch))) {
      note('unhealthy', `${badCase.name}: a normal request failed afterwards`);
      ok = false;
    }
    return ok;
  }
}

/** An even sample across the generated cases, so a reduced run still covers every kind. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)] as T);
}
