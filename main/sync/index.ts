/** The sync engine's public surface. */
export { MobileServiceClient, type MobileServiceClientOptions } from './client';
export { SyncContext, type SyncContextOptions, type SyncIssueDetails } from './sync-context';
export type { ConflictChoice } from './issue-resolution';
export { SyncTable } from './sync-table';
export { Query, type ReadResult, type TableQuery } from './query';
export { DEFAULT_MAX_PUSH_ATTEMPTS, type PushResult } from './push';
export { PushError, type PushHandler } from './push-error';
export type { PullResult, PullSettings } from './pull';
export type { EngineStatus, StatusListener, DataChangedListener } from './status';
export { errorInfo } from './status';
export {
  ProtocolClient,
  ZUMO_API_VERSION,
  MAX_PAGE_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ObservedRequest,
  type ODataQuery,
  type Page,
  type ProtocolClientOptions,
} from './protocol-client';
export {
  SyncError,
  SyncHttpError,
  UnauthorizedError,
  NetworkError,
  TimeoutError,
  BadResponseError,
  QueueError,
  PurgeRefusedError,
  SyncUsageError,
  isConnectivityError,
} from './errors';
export { whereToODataFilter } from './odata';
export type { LocalRecord, ServerRecord } from './records';
export { parseDate } from './records';
export { analyzeFields, type FieldChange } from './merge';
export { runSyncPass, type SyncPassOptions } from './sync-pass';
