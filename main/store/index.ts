/** The local store: the only module in the project that holds SQL. */
export { openStore, type ExplainedQuery, type LocalStore } from './open-store';
export { StoreError } from './errors';
export { STORE_SCHEMA_VERSION } from './schema';
export { foldCase } from './codec';
export type { CompiledStatement } from './query-compiler';
export type * from './types';
