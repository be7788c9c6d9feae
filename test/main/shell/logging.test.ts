import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppLog, LOG_FILE_NAME } from '../../../main/shell/logging';

const TOKEN = 'zumo-token-4f1e9c2b7a';

let dir: string;
let logCount = 0;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function newLog(maxBytes?: number) {
  logCount += 1;
  return createAppLog({
    directory: dir,
    consoleLevel: false,
    logId: `test-${logCount}`,
    ...(maxBytes ? { maxBytes } : {}),
  });
}

describe('the app log', () => {
  it('writes to <userData>/logs/main.log', () => {
    const log = newLog();
    log.info('Todo Sync 0.1.0 starting');
    expect(log.filePath).toBe(path.join(dir, LOG_FILE_NAME));
    expect(readFileSync(log.filePath, 'utf8')).toMatch(/\[info\]\s+Todo Sync 0\.1\.0 starting/);
  });

  it('never writes an auth token, whatever shape it is logged in', () => {
    const log = newLog();
    log.info('settings changed', { authToken: TOKEN, backendUrl: 'http://127.0.0.1:3000' });
    log.warn(`request headers X-ZUMO-AUTH: ${TOKEN}`);
    log.error(
      'push failed',
      Object.assign(new Error(`401 with authToken=${TOKEN}`), { headers: { 'X-ZUMO-AUTH': TOKEN } }),
    );
    log.rememberSecret(TOKEN);
    log.info(`an odd place for it: ${TOKEN}`);
    const written = readFileSync(log.filePath, 'utf8');
    expect(written).not.toContain(TOKEN);
    expect(written).toContain('[redacted]');
    expect(written).toContain('http://127.0.0.1:3000');
    expect(written.split('\n').filter((line) => line.includes('[error]'))).toHaveLength(1);
  });

  it('rotates the file when it passes its maximum size', () => {
    const log = newLog(4 * 1024);
    for (let i = 0; i < 200; i += 1) log.info(`sync run ${i} finished with 0 pending operations`);
    expect(existsSync(path.join(dir, 'main.old.log'))).toBe(true);
    expect(readFileSync(log.filePath, 'utf8').length).toBeLessThan(8 * 1024);
  });
});
