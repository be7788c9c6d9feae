/**
 * The renderer's only door to the app: `window.todoSync`, unwrapped.
 *
 * Every preload method replies with an `IpcResult`; here an `ok` result becomes its value and
 * a failure becomes an `AppError` carrying the code (for decisions) and a sentence (for people).
 * Only types are imported from the contract, so zod and the schemas stay out of the UI bundle.
 */
import type {
  API_GLOBAL,
  IpcErrorCode,
  IpcErrorPayload,
  IpcResult,
  TodoSyncApi,
} from '../common/ipc-contract';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: IpcErrorCode | 'unavailable',
    message: string,
    /** Per-field problems the main process reported for an invalid request. */
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

const FALLBACK_MESSAGES: Record<AppError['code'], string> = {
  'invalid-request': 'That value was not accepted.',
  'forbidden-sender': 'This window is not allowed to do that.',
  'unknown-channel': 'The app could not handle that request. Please restart Todo Sync.',
  'not-found': 'That todo no longer exists. It may have been deleted elsewhere.',
  refused: 'That was refused.',
  store: 'Your todos could not be read or saved on this computer.',
  sync: 'Syncing did not work this time.',
  internal: 'Something went wrong inside the app.',
  unavailable: 'Todo Sync is not connected to its background service. Please restart the app.',
};

function toAppError(payload: IpcErrorPayload): AppError {
  const message = payload.message.trim() || FALLBACK_MESSAGES[payload.code];
  return new AppError(payload.code, message, payload.issues ?? []);
}

/** A sentence for any thrown value; never a code or a stack. */
export function describeError(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return FALLBACK_MESSAGES.internal;
}

function bridge(): TodoSyncApi {
  const name: typeof API_GLOBAL = 'todoSync';
  const api = (globalThis as unknown as Partial<Record<typeof API_GLOBAL, TodoSyncApi>>)[name];
  if (!api) throw new AppError('unavailable', FALLBACK_MESSAGES.unavailable);
  return api;
}

async function unwrap<T>(pending: () => Promise<IpcResult<T>>): Promise<T> {
  let result: IpcResult<T>;
  try {
    result = await pending();
  } catch (error) {
    // The bridge itself failed (the window is closing, the main process went away).
    if (error instanceof AppError) throw error;
    throw new AppError('unavailable', FALLBACK_MESSAGES.unavailable);
  }
  if (result.ok) return result.value;
  throw toAppError(result.error);
}

type MethodName = {
  [K in keyof TodoSyncApi]: TodoSyncApi[K] extends (...args: never[]) => Promise<IpcResult<unknown>>
    ? K
    : never;
}[keyof TodoSyncApi];
type EventName = Exclude<keyof TodoSyncApi, MethodName>;

type Unwrapped<F> = F extends (...args: infer A) => Promise<IpcResult<infer T>>
  ? (...args: A) => Promise<T>
  : never;

/** The same methods as `TodoSyncApi`, returning values and throwing `AppError`. */
export type TodoClient = { readonly [M in MethodName]: Unwrapped<TodoSyncApi[M]> } & {
  readonly [E in EventName]: TodoSyncApi[E];
};

/** Written out per method (not generated) so a new contract method fails to compile here until wired. */
export const todoSync: TodoClient = {
  queryTodos: (query) => unwrap(() => bridge().queryTodos(query)),
  addTodo: (todo) => unwrap(() => bridge().addTodo(todo)),
  updateTodo: (update) => unwrap(() => bridge().updateTodo(update)),
  removeTodo: (target) => unwrap(() => bridge().removeTodo(target)),
  bulkTodos: (bulk) => unwrap(() => bridge().bulkTodos(bulk)),
  syncNow: () => unwrap(() => bridge().syncNow()),
  push: () => unwrap(() => bridge().push()),
  pull: () => unwrap(() => bridge().pull()),
  getStatus: () => unwrap(() => bridge().getStatus()),
  listConflicts: () => unwrap(() => bridge().listConflicts()),
  resolveConflict: (resolution) => unwrap(() => bridge().resolveConflict(resolution)),
  listRejected: () => unwrap(() => bridge().listRejected()),
  retryRejected: (retry) => unwrap(() => bridge().retryRejected(retry)),
  discardRejected: (target) => unwrap(() => bridge().discardRejected(target)),
  getSettings: () => unwrap(() => bridge().getSettings()),
  setSettings: (patch) => unwrap(() => bridge().setSettings(patch)),
  testConnection: (target) => unwrap(() => bridge().testConnection(target)),
  exportUnsynced: () => unwrap(() => bridge().exportUnsynced()),
  resetLocalData: (options) => unwrap(() => bridge().resetLocalData(options)),
  getDesktopPreferences: () => unwrap(() => bridge().getDesktopPreferences()),
  setDesktopPreferences: (patch) => unwrap(() => bridge().setDesktopPreferences(patch)),
  getAccount: () => unwrap(() => bridge().getAccount()),
  signIn: (request) => unwrap(() => bridge().signIn(request)),
  signOut: (request) => unwrap(() => bridge().signOut(request)),
  setBasicTextStorage: (request) => unwrap(() => bridge().setBasicTextStorage(request)),
  onStatusChanged: (listener) => bridge().onStatusChanged(listener),
  onDataChanged: (listener) => bridge().onDataChanged(listener),
  onCommand: (listener) => bridge().onCommand(listener),
  onNotice: (listener) => bridge().onNotice(listener),
  onRevealTodo: (listener) => bridge().onRevealTodo(listener),
  onFocusAdd: (listener) => bridge().onFocusAdd(listener),
};
