/**
 * Fixtures for reliability scenarios with faults forced on exactly one request: a real backend
 * per test file, and per test a `scenario` that opens installations of the app's sync engine,
 * each behind its own fault proxy (no faults unless forced), and closes them after the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from 'vitest';
import type { ConflictPolicy } from '../../../common/sync-types';
import { startTestBackend } from '../../support/backend';
import { ServerClient, type ServerTodo } from '../../support/server';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { openSyncClient, type SyncClient } from './sync-client';

export interface Installation {
  client: SyncClient;
  proxy: FaultProxy;
  /** Closes the client and opens its database again behind the same proxy: an app restart. */
  restart(): Promise<SyncClient>;
}

export interface Scenario {
  /** Ids of this scenario start with it: scenarios share the file's server and never meet. */
  prefix: string;
  /** The next installation (A, B, ...) of the app, with its own database and proxy. */
  install(policy: ConflictPolicy): Promise<Installation>;
  /** The record as the server has it, deleted or not; undefined if it never had it. */
  serverRow(id: string): Promise<ServerTodo | undefined>;
}

let scenarios = 0;

export const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('backend', { scope: 'file' }, async ({}, { onCleanup }) => {
    const backend = await startTestBackend();
    onCleanup(() => backend.stop());
    return backend;
  })
  // eslint-disable-next-line no-empty-pattern -- as above
  .extend('workDir', { scope: 'file' }, async ({}, { onCleanup }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-fixed-faults-'));
    onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  })
  .extend('scenario', async ({ backend, workDir }, { onCleanup }): Promise<Scenario> => {
    const seed = ++scenarios;
    const prefix = `s${seed}-`;
    const clients = new Set<SyncClient>();
    const proxies: FaultProxy[] = [];
    onCleanup(async () => {
      for (const client of clients) client.close();
      for (const proxy of proxies) await proxy.stop();
    });
    const server = new ServerClient(backend.url);
    let installed = 0;

    const open = async (index: number, dbPath: string, proxy: FaultProxy, policy: ConflictPolicy) => {
      const client = await openSyncClient({
        name: String.fromCharCode(65 + index),
        dbPath,
        backendUrl: proxy.url,
        policy,
        idPrefix: prefix,
        timeoutMs: 2000,
      });
      clients.add(client);
      return client;
    };

    return {
      prefix,
      serverRow: (id) => server.find(id),
      install: async (policy) => {
        const index = installed++;
        const proxy = await startFaultProxy({
          target: backend.url,
          seed,
          faultRate: 0,
          clientTimeoutMs: 2000,
        });
        proxies.push(proxy);
        const dbPath = path.join(workDir, `${prefix}${index}.sqlite`);
        const installation: Installation = {
          client: await open(index, dbPath, proxy, policy),
          proxy,
          restart: async () => {
            installation.client.close();
            clients.delete(installation.client);
            installation.client = await open(index, dbPath, proxy, policy);
            return installation.client;
          },
        };
        return installation;
      },
    };
  });

/** A sync that must succeed. */
export async function syncOk(client: SyncClient): Promise<void> {
  expect(await client.sync(), `${client.name} sync`).toMatchObject({ ok: true });
}
