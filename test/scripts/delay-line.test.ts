/**
 * The benchmark's delay line (scripts/bench/delay-line.ts), run as its own process in front of a
 * TCP echo server on 127.0.0.1. Timing is asserted as lower bounds only: a busy machine can make
 * a trip slower, never faster, than the delay the line adds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDelayLineOptions,
  DelayLineUsageError,
  HostRewriter,
  startDelayLine,
  type DelayLine,
} from '../../scripts/bench/delay-line';

const repoRoot = path.resolve(__dirname, '..', '..');
/** Timers fire on libuv's loop clock, which can lag performance.now() by a millisecond or so. */
const TIMER_SLACK_MS = 5;

let echo: net.Server;
let echoUrl: string;
const lines: DelayLine[] = [];

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(lines.map((line) => line.stop()));
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

async function delayLine(rttMs: number, bandwidthBitsPerSecond: number | null = null): Promise<DelayLine> {
  const line = await startDelayLine(echoUrl, { rttMs, bandwidthBitsPerSecond });
  lines.push(line);
  return line;
}

function connect(line: DelayLine): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(line.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `data` (each buffer its own write) and resolves once as many bytes came back. */
function echoTime(socket: net.Socket, data: Buffer | Buffer[]): Promise<{ ms: number; received: Buffer }> {
  const writes = Array.isArray(data) ? data : [data];
  const total = writes.reduce((sum, chunk) => sum + chunk.length, 0);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const start = performance.now();
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= total) {
        socket.off('data', onData);
        resolve({ ms: performance.now() - start, received: Buffer.concat(chunks) });
      }
    };
    socket.on('data', onData);
    for (const chunk of writes) socket.write(chunk);
  });
}

/** Linux keeps an exited process whose parent died as a zombie until init reaps it: that is gone too. */
function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

describe('Host rewriting', () => {
  const requests =
    'POST /tables/todoitem HTTP/1.1\r\nhost: 127.0.0.1:5555\r\ncontent-length: 11\r\n\r\n{"a":"b\r\n"}' +
    'GET /tables/todoitem?$top=1 HTTP/1.1\r\nHost: 127.0.0.1:5555\r\nAccept: */*\r\n\r\n';
  const expected =
    'POST /tables/todoitem HTTP/1.1\r\nHost: 127.0.0.1:80\r\ncontent-length: 11\r\n\r\n{"a":"b\r\n"}' +
    'GET /tables/todoitem?$top=1 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nAccept: */*\r\n\r\n';

  it('sets the Host of every request on a keep-alive stream, however the bytes are split', () => {
    const bytes = Buffer.from(requests, 'latin1');
    for (let split = 0; split <= bytes.length; split++) {
      const rewriter = new HostRewriter('127.0.0.1:80');
      const out = Buffer.concat([
        rewriter.transform(bytes.subarray(0, split)),
        rewriter.transform(bytes.subarray(split)),
      ]);
      expect(out.toString('latin1')).toBe(expected);
    }
  });

  it('refuses a chunked request body instead of guessing where the next request starts', () => {
    const rewriter = new HostRewriter('127.0.0.1:80');
    const chunked = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    expect(() => rewriter.transform(Buffer.from(chunked))).toThrow(/Transfer-Encoding: chunked/);
  });
});

describe('delay line', { timeout: 60_000 }, () => {
  it('delays each direction by half the round trip, and a new connection by one round trip more', async () => {
    const rttMs = 120;
    const line = await delayLine(rttMs);
    const connectStart = performance.now();
    const socket = await connect(line);
    try {
      // The handshake's round trip counts from the connect, as it would on a real network.
      const first = await echoTime(socket, Buffer.from('first'));
      expect(first.received.toString()).toBe('first');
      expect(performance.now() - connectStart).toBeGreaterThanOrEqual(2 * rttMs - TIMER_SLACK_MS);
      const second = await echoTime(socket, Buffer.from('second'));
      expect(second.received.toString()).toBe('second');
      expect(second.ms).toBeGreaterThanOrEqual(rttMs - TIMER_SLACK_MS);
    } finally {
      socket.destroy();
    }
    const counters = await line.counters();
    expect(counters).toEqual({ connections: 1, bytesToServer: 11, bytesToClient: 11 });
  });

  it('keeps the order of everything written, in both directions', async () => {
    const line = await delayLine(10);
    const socket = await connect(line);
    try {
      // Writes of varying size, some larger than the pieces the line puts on the wire.
      const sent = Array.from({ length: 600 }, (_, index) =>
        Buffer.from(`${index}:${'x'.repeat((index * 37) % 20_000)};`),
      );
      const { received } = await echoTime(socket, sent);
      expect(received.equals(Buffer.concat(sent))).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('caps the bandwidth: a megabyte at 8 Mbit/s takes at least a second each way', async () => {
    const bandwidth = 8_000_000;
    const line = await delayLine(0, bandwidth);
    const socket = await connect(line);
    try {
      const data = Buffer.alloc(1_000_000, 7);
      const { ms, received } = await echoTime(socket, data);
      expect(received.length).toBe(data.length);
      // Both directions are capped, but they overlap (the echo streams back while the rest is
      // still going up), so the whole trip is at least one direction's transfer time.
      expect(ms).toBeGreaterThanOrEqual((data.length * 8 * 1000) / bandwidth - TIMER_SLACK_MS);
    } finally {
      socket.destroy();
    }
    expect(await line.counters()).toMatchObject({ bytesToServer: 1_000_000, bytesToClient: 1_000_000 });
  });

  it('hands HTTP requests to the server addressed to the server itself when asked to rewrite Host', async () => {
    const hosts: (string | undefined)[] = [];
    const server = http.createServer((request, response) => {
      hosts.push(request.headers.host);
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serverHost = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const line = await startDelayLine(`http://${serverHost}`, {
      rttMs: 0,
      bandwidthBitsPerSecond: null,
      rewriteHost: true,
    });
    lines.push(line);
    try {
      for (const body of ['first', undefined, 'x'.repeat(100_000)]) {
        const reply = await fetch(`${line.url}/path`, { method: body ? 'POST' : 'GET', body });
        expect(await reply.text()).toBe('ok');
      }
      expect(hosts).toEqual([serverHost, serverHost, serverHost]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('listens on 127.0.0.1 only and forwards only to a loopback address', async () => {
    const line = await delayLine(0);
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const options = { targetPort: 80, rttMs: 10, bandwidthBitsPerSecond: null };
    expect(() => checkDelayLineOptions({ ...options, targetHost: '10.0.0.1' })).toThrow(DelayLineUsageError);
    expect(() => checkDelayLineOptions({ ...options, targetHost: 'example.com' })).toThrow(
      /only to a loopback address/,
    );
    expect(() => checkDelayLineOptions({ ...options, targetHost: '127.0.0.1', rttMs: -1 })).toThrow(
      DelayLineUsageError,
    );
    await expect(
      startDelayLine('http://192.0.2.1:80', { rttMs: 10, bandwidthBitsPerSecond: null }),
    ).rejects.toThrow(DelayLineUsageError);
  });

  it('stops when asked, and stops by itself when the process that started it dies', async () => {
    const line = await startDelayLine(echoUrl, { rttMs: 0, bandwidthBitsPerSecond: null });
    const pid = line.process.pid as number;
    await line.stop();
    expect(isRunning(pid)).toBe(false);

    // A parent that starts a delay line, prints its pid and is then killed without cleanup.
    const script = path.join(repoRoot, 'scripts', 'bench', 'delay-line.ts');
    const parent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require(${JSON.stringify(script)}).startDelayLine(${JSON.stringify(echoUrl)}, { rttMs: 0, bandwidthBitsPerSecond: null })` +
          '.then((line) => console.log("delay line " + line.process.pid));',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const childPid = await new Promise<number>((resolve, reject) => {
      let output = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /delay line (\d+)/.exec(output);
        if (match?.[1]) resolve(Number(match[1]));
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited early (${code}): ${output}`)));
    });
    expect(isRunning(childPid)).toBe(true);
    parent.kill('SIGKILL');
    let running = true;
    for (let waited = 0; running && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      running = isRunning(childPid);
    }
    expect(running).toBe(false);
  });
});
