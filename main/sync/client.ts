/**
 * The entry point, read like the SDK's:
 *
 *   const client = new MobileServiceClient('https://yoursite.azurewebsites.net');
 *   const syncContext = client.getSyncContext();
 *   await syncContext.initialize(store);
 *   const todoItemTable = client.getSyncTable('todoitem');
 *
 * The backend address and the auth token can change at any time (settings); the next
 * request uses the new values.
 */
import { randomUUID } from 'node:crypto';
import type { RecordOf, SystemColumns, TableDeclaration } from '../../common/table-schema';
import { SyncUsageError } from './errors';
import { ProtocolClient, type ObservedRequest } from './protocol-client';
import type { LocalRecord } from './records';
import { SyncContext, type SyncContextOptions } from './sync-context';
import { SyncTable } from './sync-table';

export interface MobileServiceClientOptions extends SyncContextOptions {
  /** A token, or a getter read on every request so a settings change applies at once. */
  authToken?: string | null | (() => string | null);
  /** Per request, including reading the body (default 30 s). */
  timeoutMs?: number;
  /** Sees each request just before it is sent (never the auth token): diagnostics and tests. */
  onRequest?: (request: ObservedRequest) => void | Promise<void>;
}

export class MobileServiceClient {
  private url: string | null;
  private authToken: () => string | null;
  private readonly syncContext: SyncContext;
  /** Used until a store is attached: then the persisted installation id takes over. */
  private readonly temporaryInstallationId = randomUUID();
  private readonly tables = new Map<string, SyncTable>();
  readonly protocol: ProtocolClient;

  constructor(applicationUrl: string | null, options: MobileServiceClientOptions = {}) {
    this.url = applicationUrl;
    this.authToken = tokenGetter(options.authToken);
    this.protocol = new ProtocolClient({
      baseUrl: () => {
        if (!this.url) throw new SyncUsageError('No backend address is configured.');
        return this.url;
      },
      installationId: () => this.syncContext.installationId() ?? this.temporaryInstallationId,
      authToken: () => this.authToken(),
      timeoutMs: options.timeoutMs,
      onRequest: options.onRequest,
    });
    this.syncContext = new SyncContext(this.protocol, () => this.url, options);
  }

  get applicationUrl(): string | null {
    return this.url;
  }

  setApplicationUrl(url: string | null): void {
    this.url = url;
    this.syncContext.status.changed();
  }

  setAuthToken(token: string | null | (() => string | null)): void {
    this.authToken = tokenGetter(token);
    // A new token is a new chance: the next request decides whether it is accepted.
    if (this.syncContext.getStatus().connectivity === 'unauthorized')
      this.syncContext.status.setConnectivity('online');
  }

  getSyncContext(): SyncContext {
    return this.syncContext;
  }

  /** The local table `name`, recording changes for push; typed when given the declaration. */
  getSyncTable<D extends TableDeclaration>(declaration: D): SyncTable<RecordOf<D>>;
  getSyncTable(name: string): SyncTable<LocalRecord>;
  getSyncTable<R extends SystemColumns>(nameOrDeclaration: string | TableDeclaration): SyncTable<R> {
    const name = typeof nameOrDeclaration === 'string' ? nameOrDeclaration : nameOrDeclaration.name;
    this.syncContext.shapeOf(name);
    let table = this.tables.get(name);
    if (!table) {
      table = new SyncTable(this.syncContext, name);
      this.tables.set(name, table);
    }
    // One instance per table; the row type is the caller's view of the same rows.
    return table as unknown as SyncTable<R>;
  }
}

function tokenGetter(token: string | null | undefined | (() => string | null)): () => string | null {
  if (typeof token === 'function') return token;
  const value = token ?? null;
  return () => value;
}
