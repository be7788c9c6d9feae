/**
 * Types for the parts of the official azure-mobile-apps-client@2.0.1 SDK that the interop tests
 * and the benchmark drive. The package ships no type declarations; these follow its source
 * (sdk/src/MobileServiceClient.js, sync/*.js) and azure-query-js.
 */

/** A record as the SDK passes it around: ISO date strings in server replies are revived to Date. */
export type SdkRecord = Record<string, unknown>;

// ------------------------------------------------------------------ QueryJS (azure-query-js)

export interface QueryOrderClause {
  name: string;
  ascending: boolean;
}

export interface QueryComponents {
  filters: QueryExpression | null;
  selections: string[];
  orderClauses: QueryOrderClause[];
  skip: number | null;
  take: number | null;
  table: string;
  includeTotalCount: boolean;
  includeDeleted: boolean;
}

/**
 * A `where` constraint: an object of equalities, or a plain `function` whose source text QueryJS
 * parses (`this.field` names a column, extra arguments are bound to its parameters). Arrow
 * functions cannot be parsed.
 */
export type QueryConstraint = Record<string, unknown> | ((this: never, ...args: never[]) => boolean);

export interface SdkQuery {
  getComponents(): QueryComponents;
  setComponents(components: Partial<QueryComponents>): SdkQuery;
  where(constraint: QueryConstraint, ...args: unknown[]): SdkQuery;
  select(...columns: string[]): SdkQuery;
  orderBy(...columns: string[]): SdkQuery;
  orderByDescending(...columns: string[]): SdkQuery;
  skip(count: number): SdkQuery;
  take(count: number): SdkQuery;
  includeTotalCount(): SdkQuery;
  toOData(): string;
}

/** A query started from a table (`table.where(…)`): it can read itself. */
export interface SdkTableQuery<R> extends SdkQuery {
  read(): PromiseLike<R>;
}

export type BinaryOperator =
  | 'And'
  | 'Or'
  | 'Add'
  | 'Subtract'
  | 'Multiply'
  | 'Divide'
  | 'Modulo'
  | 'GreaterThan'
  | 'GreaterThanOrEqual'
  | 'LessThan'
  | 'LessThanOrEqual'
  | 'NotEqual'
  | 'Equal';

export type UnaryOperator = 'Not' | 'Negate' | 'Increment' | 'Decrement';

export interface ConstantExpression {
  value: unknown;
}
export interface MemberExpression {
  member: string;
}
export interface BinaryExpression {
  operator: BinaryOperator;
  left: QueryExpression;
  right: QueryExpression;
}
export interface UnaryExpression {
  operator: UnaryOperator;
  operand: QueryExpression;
}
export interface InvocationExpression {
  method: string;
  args: QueryExpression[];
}
export interface LiteralExpression {
  queryString: string;
  args: unknown[];
}

/** QueryJS expression nodes are class instances; tell them apart with the constructors below. */
export type QueryExpression =
  | ConstantExpression
  | MemberExpression
  | BinaryExpression
  | UnaryExpression
  | InvocationExpression
  | LiteralExpression;

export interface QueryExpressionClasses {
  ConstantExpression: abstract new (...args: never[]) => ConstantExpression;
  MemberExpression: abstract new (...args: never[]) => MemberExpression;
  BinaryExpression: abstract new (...args: never[]) => BinaryExpression;
  UnaryExpression: abstract new (...args: never[]) => UnaryExpression;
  InvocationExpression: abstract new (...args: never[]) => InvocationExpression;
  LiteralExpression: abstract new (...args: never[]) => LiteralExpression;
}

export interface QueryConstructor {
  new (table: string): SdkQuery;
  Expressions: QueryExpressionClasses;
}

// ------------------------------------------------------------------ HTTP pipeline

/** The request a filter receives (WinJS.xhr shape). */
export interface SdkHttpRequest {
  type: string;
  url: string;
  headers: Record<string, string>;
  data: string | null;
}

/** The XMLHttpRequest-like reply the SDK reads; status 0 means no response (connection failure). */
export interface SdkHttpResponse {
  status: number;
  statusText: string;
  responseText: string;
  getResponseHeader(name: string): string | null;
}

export type SdkResponseCallback = (error: unknown, response: SdkHttpResponse | null) => void;

export type SdkServiceFilter = (
  request: SdkHttpRequest,
  next: (request: SdkHttpRequest, callback: SdkResponseCallback) => void,
  callback: SdkResponseCallback,
) => void;

// ------------------------------------------------------------------ the local store contract

/** Column types the SDK declares its tables with (sync/ColumnType.js). */
export type SdkColumnType =
  'object' | 'array' | 'integer' | 'int' | 'float' | 'real' | 'string' | 'text' | 'boolean' | 'bool' | 'date';

export interface SdkTableDefinition {
  name: string;
  columnDefinitions: Record<string, string>;
}

export type SdkRecordId = string | number;

export interface SdkBatchOperation {
  action: string;
  tableName: string;
  /** For upserts: one record or several. */
  data?: SdkRecord | readonly (SdkRecord | null | undefined)[] | null;
  /** For deletes. */
  id?: SdkRecordId | null;
}

/** With includeTotalCount the SDK expects `{ result, count }`; otherwise the array. */
export type SdkReadResult = SdkRecord[] | { result: SdkRecord[]; count: number };

/** What MobileServiceSyncContext.initialize(store) calls (the contract MobileServiceSqliteStore implements). */
export interface SdkStore {
  defineTable(definition: SdkTableDefinition): Promise<void>;
  /** Merges: inserts the record when new, otherwise updates only the given properties. */
  upsert(
    tableName: string,
    data: SdkRecord | readonly (SdkRecord | null | undefined)[] | null | undefined,
  ): Promise<void>;
  lookup(
    tableName: string,
    id: SdkRecordId,
    suppressRecordNotFoundError?: boolean,
  ): Promise<SdkRecord | undefined>;
  read(query: SdkQuery): Promise<SdkReadResult>;
  del(tableNameOrQuery: string | SdkQuery, ids?: SdkRecordId | readonly SdkRecordId[] | null): Promise<void>;
  executeBatch(operations: readonly (SdkBatchOperation | null | undefined)[]): Promise<void>;
}

// ------------------------------------------------------------------ sync

/** What the SDK's push hands a conflict or error handler (sync/pushError.js). */
export interface SdkPushError {
  isHandled: boolean;
  getError(): SdkError;
  isConflict(): boolean;
  getTableName(): string;
  getAction(): string;
  /** Absent for a 409 on insert (the server echoes the client's item, the SDK keeps nothing). */
  getServerRecord(): SdkRecord | undefined;
  getClientRecord(): SdkRecord;
  cancelAndUpdate(record: SdkRecord): PromiseLike<void>;
  cancelAndDiscard(): PromiseLike<void>;
  cancel(): PromiseLike<void>;
  update(record: SdkRecord): PromiseLike<void>;
  changeAction(action: 'insert' | 'update' | 'delete', record?: SdkRecord): PromiseLike<void>;
}

export interface SdkError extends Error {
  request?: SdkHttpResponse;
  serverInstance?: SdkRecord;
}

export interface SdkPushHandler {
  onConflict?(pushError: SdkPushError): unknown;
  onError?(pushError: SdkPushError): unknown;
}

export interface SdkPullSettings {
  pageSize?: number;
}

export interface SdkSyncContext {
  initialize(store: SdkStore): PromiseLike<void>;
  pushHandler: SdkPushHandler | undefined;
  /** Resolves with the conflicts left unhandled. */
  push(): PromiseLike<SdkPushError[]>;
  pull(query: SdkQuery, queryId?: string | null, settings?: SdkPullSettings): PromiseLike<void>;
  purge(query: SdkQuery, forcePurge?: boolean): PromiseLike<void>;
}

export interface SdkSyncTable {
  getTableName(): string;
  insert(record: SdkRecord): PromiseLike<SdkRecord>;
  update(record: SdkRecord): PromiseLike<SdkRecord>;
  lookup(id: string, suppressRecordNotFoundError?: boolean): PromiseLike<SdkRecord | undefined>;
  read(query?: SdkQuery): PromiseLike<SdkRecord[]>;
  del(record: { id: string }): PromiseLike<void>;
  pull(query?: SdkQuery | null, queryId?: string | null, settings?: SdkPullSettings): PromiseLike<void>;
  purge(query?: SdkQuery | null, forcePurge?: boolean): PromiseLike<void>;
  where(constraint: QueryConstraint, ...args: unknown[]): SdkTableQuery<SdkRecord[]>;
}

/** The online table API (MobileServiceTable). */
export interface SdkRemoteTable {
  insert(record: SdkRecord): PromiseLike<SdkRecord>;
  update(record: SdkRecord): PromiseLike<SdkRecord>;
  lookup(id: string): PromiseLike<SdkRecord>;
  del(record: { id: string; version?: string }): PromiseLike<void>;
}

export interface SdkClient {
  readonly applicationUrl: string;
  withFilter(filter: SdkServiceFilter): SdkClient;
  getSyncContext(): SdkSyncContext;
  getSyncTable(tableName: string): SdkSyncTable;
  getTable(tableName: string): SdkRemoteTable;
}

export interface AzureMobileAppsClientModule {
  MobileServiceClient: new (applicationUrl: string) => SdkClient;
  Query: QueryConstructor;
}
