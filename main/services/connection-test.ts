/**
 * Settings' "Test connection": asks an address that need not be saved yet whether it is a
 * Mobile Apps table backend. One read of the todo table through the protocol client (the only
 * module that speaks HTTP) tells everything the person needs: something answered, it answered
 * the ZUMO 2.0.0 table protocol (a JSON list), and whether it wants a sign-in.
 */
import type { ConnectionTestRequest, ConnectionTestResult } from '../../common/ipc-contract';
import { todoTable } from '../../common/todo-table';
import {
  BadResponseError,
  NetworkError,
  ProtocolClient,
  SyncHttpError,
  SyncUsageError,
  TimeoutError,
  UnauthorizedError,
} from '../sync';

export interface ConnectionTestOptions {
  installationId: string;
  timeoutMs?: number;
  /** Headers for the address under test (the local development backend's key, if it is that one). */
  extraHeaders?: () => Readonly<Record<string, string>>;
}

export async function testConnection(
  request: ConnectionTestRequest,
  options: ConnectionTestOptions,
): Promise<ConnectionTestResult> {
  const url = request.backendUrl;
  const token = request.authToken ?? null;
  const clientOptions = {
    baseUrl: () => url,
    installationId: () => options.installationId,
    // The token belongs to exactly the address under test (the client attaches it to no other origin).
    auth: () => (token ? { token, origin: new URL(url).origin } : null),
    timeoutMs: options.timeoutMs ?? 10_000,
    extraHeaders: options.extraHeaders,
  };
  const client = new ProtocolClient(clientOptions);
  try {
    await client.readPage(todoTable.name, { top: 1 });
    return {
      outcome: 'ok',
      reachable: true,
      speaksZumo: true,
      needsSignIn: token ? null : false,
      message: token
        ? 'Connected: the server speaks ZUMO 2.0.0 and accepted the sign-in token.'
        : 'Connected: the server speaks ZUMO 2.0.0 and needs no sign-in.',
    };
  } catch (error) {
    return describeFailure(error, token !== null);
  }
}

function describeFailure(error: unknown, withToken: boolean): ConnectionTestResult {
  if (error instanceof UnauthorizedError) {
    return withToken
      ? {
          outcome: 'token-refused',
          reachable: true,
          speaksZumo: true,
          needsSignIn: true,
          message: 'The server needs a sign-in and did not accept this token.',
        }
      : {
          outcome: 'needs-sign-in',
          reachable: true,
          speaksZumo: true,
          needsSignIn: true,
          message: 'The server speaks ZUMO 2.0.0 but needs a sign-in: add an auth token.',
        };
  }
  if (error instanceof SyncUsageError) {
    return {
      outcome: 'refused-address',
      reachable: false,
      speaksZumo: false,
      needsSignIn: null,
      message: error.message,
    };
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return {
      outcome: 'unreachable',
      reachable: false,
      speaksZumo: false,
      needsSignIn: null,
      message:
        error instanceof TimeoutError
          ? 'Nothing answered at this address in time.'
          : 'Nothing answered at this address. Check it, and that the server is running.',
    };
  }
  if (error instanceof SyncHttpError) {
    const detail =
      error.status === 404
        ? 'it has no todoitem table there (404)'
        : error.status === 400
          ? 'it refused ZUMO-API-VERSION 2.0.0 (400)'
          : `it answered ${error.status}`;
    return {
      outcome: 'not-zumo',
      reachable: true,
      speaksZumo: false,
      needsSignIn: null,
      message: `Something answers at this address, but ${detail}: it does not look like a Mobile Apps backend.`,
    };
  }
  if (error instanceof BadResponseError) {
    return {
      outcome: 'not-zumo',
      reachable: true,
      speaksZumo: false,
      needsSignIn: null,
      message: 'Something answers at this address, but not with the Mobile Apps table protocol.',
    };
  }
  throw error;
}
