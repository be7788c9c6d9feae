/**
 * A delay line: a TCP proxy, in its own process, that makes 127.0.0.1 behave like a real network
 * between a client and the server, so the benchmark can measure what a round trip costs.
 *
 * - Each direction is delayed by half the round trip (RTT/2), data keeps its order.
 * - An optional bandwidth cap is shared by all connections, one link per direction (full
 *   duplex): each chunk occupies the link for bytes·8/bandwidth before its delay starts, so a
 *   large reply arrives as late as it would over that link.
 * - A new connection costs one round trip before its first byte goes on (the TCP handshake the
 *   loopback connect skipped).
 *
 * - Optionally, it sets each HTTP/1.1 request's Host header to the server's own address, as a
 *   reverse proxy does (nginx's default): the local backend refuses requests addressed to any
 *   other host:port (scripts/backend-guard.ts).
 *
 * It listens on 127.0.0.1 only and forwards only to a loopback address. Started as a child by
 * `startDelayLine` (stdio 'ipc'), it reports its port and counters over IPC and exits by itself
 * when its parent goes away (the IPC channel closes), so a crashed benchmark leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { forwardBackendKey } from '../../test/support/backend';

export interface DelayLineOptions {
  /** The server to forward to; must be a loopback address. */
  targetHost: string;
  targetPort: number;
  /** Round-trip time added, in ms: each direction is delayed by half of it. */
  rttMs: number;
  /** Link capacity in bits per second for each direction, shared by all connections; null: none. */
  bandwidthBitsPerSecond: number | null;
  /** Rewrite the Host header of HTTP/1.1 requests to targetHost:targetPort. */
  rewriteHost?: boolean;
}

export interface DelayLineCounters {
  /** Connections accepted since start. */
  connections: number;
  /** Bytes received from clients (forwarded to the server). */
  bytesToServer: number;
  /** Bytes received from the server (forwarded to clients). */
  bytesToClient: number;
}

type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'counters'; counters: DelayLineCounters }
  | { type: 'failed'; message: string };

type ParentMessage = { type: 'counters' };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** Chunks go on the link in pieces no larger than this, as segments would: a reply streams. */
const PIECE_BYTES = 16 * 1024;
/** A connection whose queue holds this much stops reading its source until it drains. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

export class DelayLineUsageError extends Error {
  override name = 'DelayLineUsageError';
}

export function checkDelayLineOptions(options: DelayLineOptions): void {
  if (!LOOPBACK.has(options.targetHost)) {
    throw new DelayLineUsageError(
      `The delay line forwards only to a loopback address (127.0.0.1, localhost, ::1), not "${options.targetHost}".`,
    );
  }
  if (!Number.isInteger(options.targetPort) || options.targetPort < 1 || options.targetPort > 65535) {
    throw new DelayLineUsageError(`The delay line's target port must be 1-65535, not ${options.targetPort}.`);
  }
  if (!Number.isFinite(options.rttMs) || options.rttMs < 0) {
    throw new DelayLineUsageError(`The round-trip time must be 0 ms or more, not ${options.rttMs}.`);
  }
  const bandwidth = options.bandwidthBitsPerSecond;
  if (bandwidth !== null && (!Number.isFinite(bandwidth) || bandwidth <= 0)) {
    throw new DelayLineUsageError(`The bandwidth must be a positive number of bits/s, not ${bandwidth}.`);
  }
}

/** A request head larger than this is not what our clients send: the connection is refused. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Rewrites the Host header of each request in an HTTP/1.1 byte stream (keep-alive: many requests
 * one after another). Requests are framed by Content-Length, the only framing our clients use
 * for request bodies; a chunked request body is refused rather than guessed at.
 */
export class HostRewriter {
  private head: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;

  constructor(private readonly host: string) {}

  /** The bytes to forward for `chunk`; throws on a stream it cannot frame. */
  transform(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let rest: Buffer = chunk;
    while (rest.length > 0) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, rest.length);
        out.push(rest.subarray(0, take));
        this.bodyLeft -= take;
        rest = rest.subarray(take);
        continue;
      }
      this.head = this.head.length === 0 ? rest : Buffer.concat([this.head, rest]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.head.length > MAX_HEAD_BYTES) throw new Error('a request head larger than 64 kB');
        break;
      }
      const lines = this.head.subarray(0, end).toString('latin1').split('\r\n');
      rest = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      let length = 0;
      const rewritten = lines.map((line, index) => {
        if (index === 0) return line;
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'transfer-encoding' && value.toLowerCase() !== 'identity') {
          throw new Error(`a request body sent with Transfer-Encoding: ${value}`);
        }
        if (name === 'content-length') length = Number(value);
        return name === 'host' ? `Host: ${this.host}` : line;
      });
      if (!Number.isSafeInteger(length) || length < 0) throw new Error('a request with a bad Content-Length');
      out.push(Buffer.from(`${rewritten.join('\r\n')}\r\n\r\n`, 'latin1'));
      this.bodyLeft = length;
    }
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }
}

/** One direction of the network: when its wire is next free, shared by every connection. */
interface Link {
  busyUntil: number;
}

interface Scheduled {
  /** performance.now() at which the piece reaches the other end; null chunk: the sender's FIN. */
  at: number;
  chunk: Buffer | null;
}

/**
 * Carries `from`'s bytes to `to` over `link`. Deliveries are due in non-decreasing order (the
 * link's busy time only grows and the delay is constant), so one FIFO per pipe keeps order.
 */
function pipeWithDelay(
  from: net.Socket,
  to: net.Socket,
  link: Link,
  options: DelayLineOptions,
  notBefore: number,
  count: (bytes: number) => void,
  transform?: (chunk: Buffer) => Buffer,
): void {
  const oneWayMs = options.rttMs / 2;
  const bandwidth = options.bandwidthBitsPerSecond;
  const queue: Scheduled[] = [];
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastAt = 0;

  const deliver = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0] as Scheduled).at <= now) {
      const { chunk } = queue.shift() as Scheduled;
      if (to.destroyed) continue;
      if (chunk === null) {
        to.end();
      } else {
        to.write(chunk);
        queuedBytes -= chunk.length;
      }
    }
    if (from.isPaused() && queuedBytes < LOW_WATER_BYTES && !to.writableNeedDrain) from.resume();
    schedule();
  };
  const schedule = (): void => {
    if (timer || queue.length === 0) return;
    timer = setTimeout(deliver, Math.max(0, (queue[0] as Scheduled).at - performance.now()));
  };

  from.on('data', (received: Buffer) => {
    let data: Buffer;
    try {
      data = transform ? transform(received) : received;
    } catch (error) {
      process.stderr.write(`delay line: closing a connection: ${(error as Error).message}\n`);
      from.destroy();
      to.destroy();
      return;
    }
    if (data.length === 0) return;
    count(data.length);
    const now = performance.now();
    for (let offset = 0; offset < data.length; offset += PIECE_BYTES) {
      const piece = data.subarray(offset, Math.min(data.length, offset + PIECE_BYTES));
      let start = Math.max(now, notBefore);
      if (bandwidth !== null) {
        start = Math.max(start, link.busyUntil);
        link.busyUntil = start + (piece.length * 8 * 1000) / bandwidth;
        start = link.busyUntil;
      }
      lastAt = Math.max(lastAt, start + oneWayMs);
      queue.push({ at: lastAt, chunk: piece });
      queuedBytes += piece.length;
    }
    if (queuedBytes > HIGH_WATER_BYTES) from.pause();
    schedule();
  });
  to.on('drain', () => {
    if (from.isPaused() && queuedBytes < LOW_WATER_BYTES) from.resume();
  });
  from.on('end', () => {
    lastAt = Math.max(lastAt, performance.now() + oneWayMs);
    queue.push({ at: lastAt, chunk: null });
    schedule();
  });
  from.on('close', () => {
    // A reset (not a clean FIN) travels at once: nothing more will arrive on this pipe.
    if (from.errored) {
      queue.length = 0;
      if (timer) clearTimeout(timer);
      to.destroy();
    }
  });
}

/** Runs the proxy in this process; resolves with the listening server once it accepts. */
export async function runDelayLine(
  options: DelayLineOptions,
): Promise<{ server: net.Server; port: number; counters: DelayLineCounters }> {
  checkDelayLineOptions(options);
  const counters: DelayLineCounters = { connections: 0, bytesToServer: 0, bytesToClient: 0 };
  const upstreamLink: Link = { busyUntil: 0 };
  const downstreamLink: Link = { busyUntil: 0 };
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    counters.connections++;
    const acceptedAt = performance.now();
    const upstream = net.connect({
      host: options.targetHost,
      port: options.targetPort,
      allowHalfOpen: true,
      noDelay: true,
    });
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', () => {
      if (!upstream.destroyed && upstream.writableEnded) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!client.destroyed && client.writableEnded) client.destroy();
    });
    // The handshake a real network would have cost: the first request leaves one RTT later.
    const rewriter = options.rewriteHost
      ? new HostRewriter(`${options.targetHost}:${options.targetPort}`)
      : undefined;
    pipeWithDelay(
      client,
      upstream,
      upstreamLink,
      options,
      acceptedAt + options.rttMs,
      (bytes) => {
        counters.bytesToServer += bytes;
      },
      rewriter && ((chunk) => rewriter.transform(chunk)),
    );
    pipeWithDelay(upstream, client, downstreamLink, options, 0, (bytes) => {
      counters.bytesToClient += bytes;
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  return { server, port, counters };
}

export interface DelayLine {
  /** http://127.0.0.1:<port>, the address clients use instead of the server's. */
  url: string;
  port: number;
  process: ChildProcess;
  counters(): Promise<DelayLineCounters>;
  stop(): Promise<void>;
}

/** Starts the delay line in a child process in front of `targetUrl` (an http://127.0.0.1 URL). */
export async function startDelayLine(
  targetUrl: string,
  settings: { rttMs: number; bandwidthBitsPerSecond: number | null; rewriteHost?: boolean },
): Promise<DelayLine> {
  const target = new URL(targetUrl);
  const options: DelayLineOptions = {
    targetHost: target.hostname.replace(/^\[|\]$/g, ''),
    targetPort: Number(target.port || 80),
    ...settings,
  };
  checkDelayLineOptions(options);
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ((message: ChildMessage) => void)[] = [];
  child.on('message', (message: ChildMessage) => {
    for (const listener of [...messages]) listener(message);
  });
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => {
        reject(new Error(`The delay line exited (code ${code}) before answering.`));
      };
      const listener = (message: ChildMessage): void => {
        if (message.type === 'failed') {
          cleanup();
          reject(new Error(`The delay line failed: ${message.message}`));
        } else if (message.type === type) {
          cleanup();
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      const cleanup = (): void => {
        messages.splice(messages.indexOf(listener), 1);
        child.off('exit', onExit);
      };
      messages.push(listener);
      child.once('exit', onExit);
    });
  let port: number;
  try {
    ({ port } = await next('listening'));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopped: Promise<void> | undefined;
  // Clients of the line are clients of the server behind it: they send its key.
  forwardBackendKey(`http://127.0.0.1:${port}`, targetUrl);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    async counters() {
      const reply = next('counters');
      child.send({ type: 'counters' } satisfies ParentMessage);
      return (await reply).counters;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // Closing the channel is the stop signal (the same one a dead parent gives).
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
      return stopped;
    },
  };
}

function runAsChild(): void {
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  let options: DelayLineOptions;
  try {
    options = JSON.parse(process.argv[2] ?? '') as DelayLineOptions;
  } catch {
    send({ type: 'failed', message: 'its options were not valid JSON' });
    process.exit(2);
  }
  // Stops by itself: the channel closes when the parent disconnects, exits or is killed.
  process.on('disconnect', () => process.exit(0));
  runDelayLine(options).then(
    ({ port, counters }) => {
      process.on('message', (message: ParentMessage) => {
        if (message.type === 'counters') send({ type: 'counters', counters: { ...counters } });
      });
      send({ type: 'listening', port });
    },
    (error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}

if (require.main === module && process.send) runAsChild();
