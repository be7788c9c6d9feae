/**
 * How a client proves to the local development backend (scripts/backend.ts) that it was handed
 * this run's key: the server reads the key from BACKEND_KEY_ENV when it starts, and refuses any
 * request without it in BACKEND_KEY_HEADER (see scripts/backend-guard.ts).
 */
export const BACKEND_KEY_HEADER = 'X-Todo-Sync-Backend-Key';
export const BACKEND_KEY_ENV = 'TODO_BACKEND_KEY';
