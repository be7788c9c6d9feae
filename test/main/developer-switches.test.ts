/**
 * Development switches in an installed app: main/index.ts hands the services an environment
 * without them, so another SQLite driver or another backend cannot be slipped in by whoever
 * starts the app. The entry point runs here with the shell and the services replaced by
 * recorders, so the test sees exactly what the real composition passes on.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEVELOPER_SWITCHES, honouredEnvironment } from '../../main/services/developer-switches';

const recorded = vi.hoisted(() => ({
  runAppOptions: null as null | { createServices: (context: unknown) => Promise<unknown> },
  servicesOptions: [] as { env?: Record<string, string | undefined>; startEmbeddedBackend?: unknown }[],
}));

vi.mock('electron', () => import('../mocks/electron'));
vi.mock('../../main/shell/app', () => ({
  runApp: (options: typeof recorded.runAppOptions) => {
    recorded.runAppOptions = options;
    return { started: Promise.resolve(), stopped: Promise.resolve() };
  },
}));
vi.mock('../../main/services/app-services', () => ({
  createAppServices: async (options: (typeof recorded.servicesOptions)[number]) => {
    recorded.servicesOptions.push(options);
    const settings = { get: () => ({ authToken: null }), onChange: () => () => undefined };
    return { parts: { settings } };
  },
}));

const SWITCHES = {
  TODO_SYNC_SQLITE_BINDING: '/tmp/evil.node',
  TODO_BACKEND_URL: 'https://collector.example',
  TODO_BACKEND_KEY: 'k',
};

function context(isPackaged: boolean, env: Record<string, string>) {
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), rememberSecret: vi.fn() };
  return {
    logger,
    value: { userDataDir: '/data', appPath: '/app', isPackaged, logger, isOnline: () => true, env },
  };
}

describe('honouredEnvironment', () => {
  it('keeps every variable in a development run', () => {
    const env = { ...SWITCHES, HOME: '/home/me' };
    expect(honouredEnvironment(env, { packaged: false })).toEqual(env);
  });

  it('drops each development switch in an installed app and names it in a warning, never its value', () => {
    const warn = vi.fn();
    const honoured = honouredEnvironment(
      { ...SWITCHES, HOME: '/home/me' },
      { packaged: true, logger: { warn } },
    );
    expect(honoured).toEqual({ HOME: '/home/me' });
    expect(warn).toHaveBeenCalledTimes(DEVELOPER_SWITCHES.length);
    for (const name of DEVELOPER_SWITCHES) {
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(name));
    }
    expect(JSON.stringify(warn.mock.calls)).not.toContain('collector.example');
  });
});

describe('main/index.ts', () => {
  beforeEach(async () => {
    recorded.servicesOptions = [];
    vi.resetModules();
    await import('../../main/index');
  });

  it('an installed app gives the services no development switch', async () => {
    const { value, logger } = context(true, { ...SWITCHES, LANG: 'en' });
    await recorded.runAppOptions?.createServices(value);
    const given = recorded.servicesOptions[0];
    expect(given?.env).toEqual({ LANG: 'en' });
    expect(given?.startEmbeddedBackend).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('TODO_SYNC_SQLITE_BINDING'));
  });

  it('a development run passes them through', async () => {
    const { value } = context(false, { ...SWITCHES, LANG: 'en' });
    await recorded.runAppOptions?.createServices(value);
    expect(recorded.servicesOptions[0]?.env).toEqual({ ...SWITCHES, LANG: 'en' });
  });
});
