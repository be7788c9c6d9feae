/**
 * The official SDK's HTTP layer needs XMLHttpRequest, which Node lacks. Its filter pipeline
 * (`client.withFilter`) lets a filter answer a request itself: this one performs it with fetch and
 * hands back the XMLHttpRequest-like object the SDK reads.
 */
import { backendHeaders } from '../backend';
import type { SdkHttpRequest, SdkHttpResponse, SdkServiceFilter } from './sdk-types';

export interface FetchFilterOptions {
  /** Abort a request that takes longer; the SDK then sees a connection failure. Default 30 s. */
  timeoutMs?: number;
  /** Sees every exchange (tests count requests, the benchmark counts pulled records). */
  onExchange?: (request: SdkHttpRequest, response: SdkHttpResponse) => void;
}

/**
 * XMLHttpRequest reports a request that got no response as status 0, and the SDK relies on that:
 * an error without a response makes its push handler throw a TypeError (a known SDK defect).
 */
const noResponse: SdkHttpResponse = {
  status: 0,
  statusText: '',
  responseText: '',
  getResponseHeader: () => null,
};

export async function performSdkRequest(
  request: SdkHttpRequest,
  timeoutMs: number,
): Promise<SdkHttpResponse> {
  try {
    const response = await fetch(request.url, {
      method: request.type,
      // The SDK cannot send the test backend's key itself; its transport does (see ../backend).
      headers: { ...backendHeaders(request.url), ...request.headers },
      body: request.data ?? undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseText = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      responseText,
      getResponseHeader: (name) => response.headers.get(name),
    };
  } catch {
    return noResponse;
  }
}

export function createFetchFilter(options: FetchFilterOptions = {}): SdkServiceFilter {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return (request, _next, callback) => {
    // The callback runs outside the try above: an exception inside the SDK must surface, not be
    // mistaken for a network failure.
    void performSdkRequest(request, timeoutMs).then((response) => {
      options.onExchange?.(request, response);
      callback(null, response);
    });
  };
}
