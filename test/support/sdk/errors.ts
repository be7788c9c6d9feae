export type SdkAdapterErrorCode =
  | 'invalid-definition'
  | 'unknown-table'
  | 'invalid-id'
  | 'invalid-value'
  | 'unsupported-query'
  | 'not-found'
  | 'invalid-operation';

/** Raised (as a rejected promise) by the SDK store adapter; nothing has changed in the store. */
export class SdkAdapterError extends Error {
  override readonly name = 'SdkAdapterError';
  constructor(
    readonly code: SdkAdapterErrorCode,
    message: string,
  ) {
    super(message);
  }
}
