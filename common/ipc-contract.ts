/**
 * The IPC contract: every channel between renderer and main, declared once.
 *
 * main registers one handler per channel and validates each payload against the
 * channel's schema before the handler runs; the preload builds its named methods from
 * `apiMethods` and `apiEvents`; the renderer sees only `TodoSyncApi`. Renaming a channel
 * or changing a payload fails to compile on every side.
 */
import { z } from 'zod';
import { DUE_DATE_PATTERN, DUE_VIEWS } from './due-dates';
import { fieldChoicesSchemaOf, fieldSchemasOf, userColumnsOf } from './table-zod';
import { todoTable, type TodoItem } from './todo-table';
import { CONFLICT_POLICIES, SYNC_INTERVAL_LIMITS } from './sync-types';
import { encodedLength, TODO_LIMITS } from './todo-limits';
import type { OperationAction, SettingsView, SyncResult, SyncStatus } from './sync-types';

// ---------------------------------------------------------------- request schemas

const MAX_TEXT = TODO_LIMITS.textMaxLength;
const MAX_NOTES = TODO_LIMITS.notesMaxLength;

const recordId = z.string().min(1).max(200);
const todoText = z
  .string()
  .trim()
  .min(1, 'A todo needs some text')
  .max(MAX_TEXT)
  .refine(
    (text) => encodedLength(text) <= TODO_LIMITS.textMaxBytes,
    'This text is too long for the server to store.',
  );
const todoNotes = z
  .string()
  .max(MAX_NOTES)
  .refine(
    (notes) => encodedLength(notes) <= TODO_LIMITS.notesMaxBytes,
    'These notes are too long for the server to store.',
  )
  .nullable();

export const todoFilterSchema = z.enum(['all', 'active', 'completed', ...DUE_VIEWS]);
export const todoSortColumnSchema = z.enum(['createdAt', 'updatedAt', 'text', 'complete', 'dueDate']);

export const todoQuerySchema = z.strictObject({
  filter: todoFilterSchema,
  search: z.string().max(500).optional(),
  sort: z.strictObject({ by: todoSortColumnSchema, direction: z.enum(['asc', 'desc']) }).optional(),
  /** Active todos first, then the completed ones, each in the sort order (the Completed section). */
  completedLast: z.boolean().optional(),
  skip: z.int().min(0).max(10_000_000),
  take: z.int().min(1).max(1000),
});

/** Every user column of the todo table; only columns that need more than their kind are named. */
const todoFields = fieldSchemasOf(todoTable, {
  text: todoText,
  notes: todoNotes,
  dueDate: z
    .string()
    .regex(DUE_DATE_PATTERN, 'A due date is a day (2026-12-31) or a day and a time (2026-12-31T09:00)')
    .nullable(),
});

export const newTodoSchema = z.strictObject(todoFields).partial().required({ text: true });

export const todoChangesSchema = z
  .strictObject(todoFields)
  .partial()
  .refine((c) => Object.values(c).some((value) => value !== undefined), 'Nothing to change');

/**
 * The fields as an editor showed them when editing began. Only compared, never stored, so they
 * are held to the field's kind and size, not to what a new value must be (an old text may be empty).
 */
export const todoEditBaseSchema = z
  .strictObject(
    fieldSchemasOf(todoTable, {
      text: z.string().max(MAX_TEXT),
      notes: todoNotes,
      dueDate: z.string().max(100).nullable(),
    }),
  )
  .partial();

/**
 * `base`: what the editor showed when editing began. With it the save is three-way: a field that
 * changed meanwhile (a sync brought another device's edit) goes through the conflict policy
 * instead of being overwritten; other fields that changed meanwhile merge.
 */
export const todoUpdateSchema = z.strictObject({
  id: recordId,
  changes: todoChangesSchema,
  base: todoEditBaseSchema.optional(),
});
export const todoIdSchema = z.strictObject({ id: recordId });

export const conflictFieldSchema = z.enum(userColumnsOf(todoTable) as [TodoField, ...TodoField[]]);
export const conflictResolutionSchema = z.strictObject({
  issueId: z.int().min(1),
  resolution: z.discriminatedUnion('choice', [
    z.strictObject({ choice: z.literal('mine') }),
    z.strictObject({ choice: z.literal('server') }),
    z.strictObject({ choice: z.literal('fields'), fields: fieldChoicesSchemaOf(todoTable) }),
  ]),
});

export const issueIdSchema = z.strictObject({ issueId: z.int().min(1) });
export const rejectedRetrySchema = z.strictObject({
  issueId: z.int().min(1),
  /** "Edit": change the record before it is sent again. */
  changes: todoChangesSchema.optional(),
});

export const backendUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
      );
    } catch {
      return false;
    }
  }, 'The backend address must be an http:// or https:// URL');

export const settingsPatchSchema = z
  .strictObject({
    backendUrl: backendUrlSchema.nullable(),
    syncIntervalMinutes: z.int().min(SYNC_INTERVAL_LIMITS.minMinutes).max(SYNC_INTERVAL_LIMITS.maxMinutes),
    conflictPolicy: z
      .enum(CONFLICT_POLICIES as [string, ...string[]])
      .transform((p) => p as (typeof CONFLICT_POLICIES)[number]),
    workOffline: z.boolean(),
    authToken: z.string().min(1).max(8192).nullable(),
  })
  .partial();

export const resetLocalDataSchema = z.strictObject({ discardUnsyncedChanges: z.boolean() });

export { SIGN_IN_PROVIDERS } from './sign-in-providers';
export const signInProviderSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'A provider name has letters, digits, - and _ only');
/** No provider: renew the session, or sign in again with the provider used last time. */
export const signInSchema = z.strictObject({ provider: signInProviderSchema.optional() });
export const signOutSchema = z.strictObject({ confirmUnsyncedChanges: z.boolean() });
export const basicTextStorageSchema = z.strictObject({ allow: z.boolean() });

/** The most todos one bulk call may touch: a select-all of the 10,000-todo list fits in one. */
export const MAX_BULK_TODOS = 10_000;

/**
 * Several todo writes at once (multi-select, Clear completed, and undoing them). Every id is
 * checked before anything is written, so a request naming a missing todo changes nothing.
 */
export const todoBulkSchema = z
  .strictObject({
    /** `complete` lets an undone delete bring a completed todo back as it was. */
    add: z
      .array(z.strictObject({ todo: newTodoSchema, complete: z.boolean().optional() }))
      .max(MAX_BULK_TODOS)
      .optional(),
    update: z.array(todoUpdateSchema).max(MAX_BULK_TODOS).optional(),
    remove: z.array(recordId).max(MAX_BULK_TODOS).optional(),
  })
  .refine(
    (b) => (b.add?.length ?? 0) + (b.update?.length ?? 0) + (b.remove?.length ?? 0) > 0,
    'Nothing to change',
  );

/** "Test connection" in Settings: an address (and token) that need not be saved yet. */
export const connectionTestSchema = z.strictObject({
  backendUrl: backendUrlSchema,
  authToken: z.string().min(1).max(8192).nullable().optional(),
});

/** Quick add's global shortcut (an Electron accelerator; null: off) and closing to the tray. */
export const desktopPreferencesPatchSchema = z
  .strictObject({
    quickAddShortcut: z.string().trim().min(1).max(100).nullable(),
    keepInTray: z.boolean(),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'Nothing to change');

const noPayload = z.undefined();

// ---------------------------------------------------------------- reply types

export type TodoFilter = z.infer<typeof todoFilterSchema>;
export type TodoQuery = z.infer<typeof todoQuerySchema>;
export type NewTodo = z.infer<typeof newTodoSchema>;
export type TodoChanges = z.infer<typeof todoChangesSchema>;
export type TodoUpdate = z.infer<typeof todoUpdateSchema>;
export type TodoEditBase = z.infer<typeof todoEditBaseSchema>;
/** A user column of the todo table. */
export type TodoField = keyof typeof todoTable.columns & string;
export type ConflictField = z.infer<typeof conflictFieldSchema>;
export type ConflictResolution = z.infer<typeof conflictResolutionSchema>;
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
export type DesktopPreferences = Required<z.infer<typeof desktopPreferencesPatchSchema>>;
export interface DesktopPreferencesView extends DesktopPreferences {
  /** Why the shortcut does not work right now (taken by another app...), or null. */
  shortcutProblem: string | null;
}

/** A todo as the list shows it: the record plus its sync state. */
export interface TodoListItem extends TodoItem {
  /** Has local changes not yet on the server. */
  pending: boolean;
  /** A conflict or rejection is waiting for the person on this record. */
  issue: 'conflict' | 'rejected' | null;
}

export interface TodoCounts {
  all: number;
  active: number;
  completed: number;
  /** Not done and due today / from tomorrow on / before now (see common/due-dates.ts). */
  today: number;
  upcoming: number;
  overdue: number;
}

export interface TodoPage {
  items: TodoListItem[];
  /** Rows matching filter and search, for paging and virtual scrolling. */
  total: number;
  counts: TodoCounts;
}

/**
 * Who changed a field since the version both sides started from: "same" when both sides hold
 * the same value; "local-only" when the server does not store the field at all.
 */
export type FieldChange = 'same' | 'mine' | 'server' | 'both' | 'local-only';

/** A push conflict or a rejected operation, kept until the person decides. */
export interface SyncIssue {
  id: number;
  kind: 'conflict' | 'rejected';
  table: string;
  recordId: string;
  action: OperationAction;
  httpStatus: number | null;
  /** What went wrong, in words a person understands. */
  message: string;
  clientRecord: TodoItem | null;
  serverRecord: TodoItem | null;
  /**
   * The server's side is a deletion (another device deleted the record; `serverRecord`, if
   * any, is its tombstone): the choice is restoring mine or letting it go, not a field merge.
   */
  serverDeleted: boolean;
  /** The record as it was before the first local edit: the base of a three-way merge. */
  baseRecord: TodoItem | null;
  /** Who changed each field since the base, as main's three-way analysis sees it. */
  fieldChanges: Record<TodoField, FieldChange>;
  /** ISO time. */
  createdAt: string;
}

export interface UnsyncedExport {
  suggestedFileName: string;
  /** Pretty-printed JSON of every pending operation with its record. */
  json: string;
  operationCount: number;
}

/** Who is signed in, for Settings, the Account menu and the banner. The token never leaves main. */
export interface AccountView {
  /** A session for the backend in effect exists (it may have ended: see connectivity). */
  signedIn: boolean;
  /** As the server names the person; null for a raw token pasted in Settings. */
  userId: string | null;
  /** The origin the session belongs to. */
  origin: string | null;
  /** From the token, for display only. */
  expiresAt: string | null;
  /** The provider used last, offered by "Sign in again". */
  lastProvider: string | null;
  /** Whether a sign-in window can be opened here (a backend is set and the shell has one). */
  canSignIn: boolean;
  /** encrypted: by the OS keychain; basic-text: with a fixed key (accepted by the person); session-only: until quit. */
  tokenStorage: 'encrypted' | 'basic-text' | 'session-only';
  /** Only basic_text encryption exists here (some Linux desktops): Settings offers the opt-in. */
  onlyBasicTextEncryption: boolean;
}

export interface DataChanged {
  tables: string[];
}

export type TodoBulk = z.infer<typeof todoBulkSchema>;

export interface TodoBulkResult {
  /** In request order. */
  added: TodoItem[];
  updated: TodoItem[];
  /** The records as they were just before removal, so the UI can offer to bring them back. */
  removed: TodoItem[];
}

export type ConnectionTestRequest = z.infer<typeof connectionTestSchema>;

export interface ConnectionTestResult {
  outcome: 'ok' | 'needs-sign-in' | 'token-refused' | 'not-zumo' | 'unreachable' | 'refused-address';
  /** Something answered HTTP at that address. */
  reachable: boolean;
  /** It answered the table protocol, ZUMO-API-VERSION 2.0.0. */
  speaksZumo: boolean;
  /** null when it could not be told (not reachable, not the protocol). */
  needsSignIn: boolean | null;
  /** A sentence for the person. */
  message: string;
}

/** What a menu item asks the window to do (Edit → Undo, Help → Keyboard Shortcuts...). */
export type AppCommand = 'undo' | 'redo' | 'select-all' | 'show-shortcuts';
export const APP_COMMANDS: readonly AppCommand[] = ['undo', 'redo', 'select-all', 'show-shortcuts'];

// ---------------------------------------------------------------- the channels

/** A phantom marker that carries a reply type without a runtime value. */
const reply = <T>() => undefined as unknown as T;

export const ipcChannels = {
  'todos:query': { request: todoQuerySchema, reply: reply<TodoPage>() },
  'todos:add': { request: newTodoSchema, reply: reply<TodoItem>() },
  'todos:update': { request: todoUpdateSchema, reply: reply<TodoItem>() },
  'todos:remove': { request: todoIdSchema, reply: reply<null>() },
  'todos:bulk': { request: todoBulkSchema, reply: reply<TodoBulkResult>() },
  'sync:now': { request: noPayload, reply: reply<SyncResult>() },
  'sync:push': { request: noPayload, reply: reply<SyncResult>() },
  'sync:pull': { request: noPayload, reply: reply<SyncResult>() },
  'sync:status': { request: noPayload, reply: reply<SyncStatus>() },
  'conflicts:list': { request: noPayload, reply: reply<SyncIssue[]>() },
  'conflicts:resolve': { request: conflictResolutionSchema, reply: reply<null>() },
  'rejected:list': { request: noPayload, reply: reply<SyncIssue[]>() },
  'rejected:retry': { request: rejectedRetrySchema, reply: reply<null>() },
  'rejected:discard': { request: issueIdSchema, reply: reply<null>() },
  'settings:get': { request: noPayload, reply: reply<SettingsView>() },
  'settings:set': { request: settingsPatchSchema, reply: reply<SettingsView>() },
  'settings:test-connection': { request: connectionTestSchema, reply: reply<ConnectionTestResult>() },
  'data:export-unsynced': { request: noPayload, reply: reply<UnsyncedExport>() },
  'data:reset': { request: resetLocalDataSchema, reply: reply<null>() },
  'desktop:get-preferences': { request: noPayload, reply: reply<DesktopPreferencesView>() },
  'desktop:set-preferences': {
    request: desktopPreferencesPatchSchema,
    reply: reply<DesktopPreferencesView>(),
  },
  'account:get': { request: noPayload, reply: reply<AccountView>() },
  'account:sign-in': { request: signInSchema, reply: reply<AccountView>() },
  'account:sign-out': { request: signOutSchema, reply: reply<AccountView>() },
  'account:basic-text-storage': { request: basicTextStorageSchema, reply: reply<AccountView>() },
} as const;

export type IpcChannel = keyof typeof ipcChannels;
export const IPC_CHANNELS = Object.keys(ipcChannels) as IpcChannel[];

export type RequestOf<C extends IpcChannel> = z.infer<(typeof ipcChannels)[C]['request']>;
/** The payload as the renderer writes it (before schema defaults and transforms). */
export type RequestInputOf<C extends IpcChannel> = z.input<(typeof ipcChannels)[C]['request']>;
export type ReplyOf<C extends IpcChannel> = (typeof ipcChannels)[C]['reply'];

/** Events main sends to every window. */
export interface IpcEvents {
  'sync:status-changed': SyncStatus;
  'todos:data-changed': DataChanged;
  'app:command': { command: AppCommand };
  /** A sentence for the person, shown once (e.g. fields a server does not store). */
  'app:notice': { message: string };
  /** Show this todo (a reminder was clicked); the record comes along, as it may not be loaded. */
  'todos:reveal': { item: TodoItem };
  /** Quick add: put the cursor in the add field (the global shortcut, the tray). */
  'todos:focus-add': Record<string, never>;
}
export type IpcEvent = keyof IpcEvents;
export const IPC_EVENTS: readonly IpcEvent[] = [
  'sync:status-changed',
  'todos:data-changed',
  'app:command',
  'app:notice',
  'todos:reveal',
  'todos:focus-add',
];

// ---------------------------------------------------------------- results and errors

export type IpcErrorCode =
  | 'invalid-request'
  | 'forbidden-sender'
  | 'unknown-channel'
  | 'not-found'
  | 'refused'
  | 'store'
  | 'sync'
  | 'internal';

export interface IpcErrorPayload {
  code: IpcErrorCode;
  /** A sentence a person understands. */
  message: string;
  /** Per-field problems for invalid requests. */
  issues?: string[];
}

/**
 * Every handler replies with a result value, never a thrown error: Electron strips the type
 * and fields of errors that cross IPC and contextBridge, and the UI needs the code.
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcErrorPayload };

// ---------------------------------------------------------------- the preload API

/** window.todoSync: named methods, each bound to exactly one channel. */
export const apiMethods = {
  queryTodos: 'todos:query',
  addTodo: 'todos:add',
  updateTodo: 'todos:update',
  removeTodo: 'todos:remove',
  bulkTodos: 'todos:bulk',
  syncNow: 'sync:now',
  push: 'sync:push',
  pull: 'sync:pull',
  getStatus: 'sync:status',
  listConflicts: 'conflicts:list',
  resolveConflict: 'conflicts:resolve',
  listRejected: 'rejected:list',
  retryRejected: 'rejected:retry',
  discardRejected: 'rejected:discard',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  testConnection: 'settings:test-connection',
  exportUnsynced: 'data:export-unsynced',
  resetLocalData: 'data:reset',
  getDesktopPreferences: 'desktop:get-preferences',
  setDesktopPreferences: 'desktop:set-preferences',
  getAccount: 'account:get',
  signIn: 'account:sign-in',
  signOut: 'account:sign-out',
  setBasicTextStorage: 'account:basic-text-storage',
} as const satisfies Record<string, IpcChannel>;

export const apiEvents = {
  onStatusChanged: 'sync:status-changed',
  onDataChanged: 'todos:data-changed',
  onCommand: 'app:command',
  onNotice: 'app:notice',
  onRevealTodo: 'todos:reveal',
  onFocusAdd: 'todos:focus-add',
} as const satisfies Record<string, IpcEvent>;

type MethodOf<C extends IpcChannel> = [RequestInputOf<C>] extends [undefined]
  ? () => Promise<IpcResult<ReplyOf<C>>>
  : (request: RequestInputOf<C>) => Promise<IpcResult<ReplyOf<C>>>;

export type TodoSyncApi = {
  readonly [M in keyof typeof apiMethods]: MethodOf<(typeof apiMethods)[M]>;
} & {
  /** Subscribe; the returned function unsubscribes. */
  readonly [E in keyof typeof apiEvents]: (
    listener: (payload: IpcEvents[(typeof apiEvents)[E]]) => void,
  ) => () => void;
};

/** The global the preload exposes the API under. */
export const API_GLOBAL = 'todoSync';

/** What main implements: one async handler per channel, given an already-validated request. */
export type IpcHandlers = {
  readonly [C in IpcChannel]: (request: RequestOf<C>) => Promise<ReplyOf<C>>;
};
