/**
 * The end-to-end harness: the built renderer in Chromium, talking to the real main process.
 *
 *   page ── window.todoSync (the real preload, bundled with electron-shim.ts)
 *        ── __todoSyncInvoke binding ──► createIpcDispatcher (main/ipc/dispatch.ts, as the shell
 *           registers it) with the sender read off the calling frame and the trusted-sender check
 *           configured for the harness origin ──► createAppServices handlers ──► store, engine ──►
 *           the real azure-mobile-apps server (test/support/backend.ts)
 *   services.onStatusChanged / onDataChanged ──► __todoSyncEmit in every open page.
 *
 * One harness per test file (fresh server, fresh user-data folder): `useAppHarness()` at the
 * top of a spec file starts it in beforeAll and stops it in afterAll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { IpcEvent, IpcEvents } from '../../../common/ipc-contract';
import type { Settings } from '../../../common/sync-types';
import { createIpcDispatcher, type IpcDispatch } from '../../../main/ipc/dispatch';
import { createTrustedSenderCheck } from '../../../main/ipc/trusted-sender';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { Logger } from '../../../main/services/logger';
import { startTestBackend, type TestBackend } from '../../support/backend';
import { followSignIn } from '../../support/login-follower';
import { builtPaths } from './build';
import { NetworkLink } from './network-link';
import { ServerClient } from '../../support/server';
import { serveFolder, type StaticServer } from './static-server';

export interface AppHarnessOptions {
  /** The server refuses items whose text contains this (400). */
  rejectText?: string;
  pageSize?: number;
  /** Saved before the services start, as if the person had chosen them earlier. */
  settings?: Partial<Omit<Settings, 'backendUrl' | 'authToken'>>;
  /**
   * How long after a local edit the scheduler pushes. Long by default so that the tests decide
   * when data moves (Sync Now), and a background push never races a scripted change.
   */
  pushDebounceMs?: number;
  /**
   * The server requires sign-in (--auth). The app's sign-in window is stood in for by following
   * the same URLs; `loginHint()` is who the person is at the identity provider at that moment.
   */
  auth?: { loginHint: () => string };
}

export interface OpenAppOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and CSP violations seen in the page. */
  problems: string[];
  close(): Promise<void>;
}

interface PageEmitter {
  emit(channel: string, payload: unknown): Promise<void>;
}

function harnessLogger(): Logger {
  const verbose = process.env.E2E_VERBOSE === '1';
  const print =
    (level: string) =>
    (message: string, ...details: unknown[]) => {
      if (verbose) console.log(`[services ${level}] ${message}`, ...details);
    };
  return { info: print('info'), warn: print('warn'), error: print('error') };
}

export class AppHarness {
  private readonly emitters = new Set<PageEmitter>();
  private readonly openPages = new Set<AppPage>();
  private readonly unsubscribe: (() => void)[] = [];

  private constructor(
    readonly backend: TestBackend,
    /** Between the app and the server: add latency, or take the server out of reach. */
    readonly link: NetworkLink,
    /** Another client: raw protocol calls straight to the server (never through the link). */
    readonly server: ServerClient,
    readonly services: AppServices,
    readonly dispatch: IpcDispatch,
    private readonly web: StaticServer,
    readonly userDataPath: string,
  ) {
    this.unsubscribe.push(
      services.onStatusChanged((status) => this.broadcast('sync:status-changed', status)),
      services.onDataChanged((change) => this.broadcast('todos:data-changed', change)),
    );
  }

  static async start(options: AppHarnessOptions = {}): Promise<AppHarness> {
    const { rendererDir } = builtPaths();
    const userDataPath = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-e2e-user-'));
    const backend = await startTestBackend({
      rejectText: options.rejectText,
      pageSize: options.pageSize,
      auth: options.auth !== undefined,
    });
    let web: StaticServer | undefined;
    let link: NetworkLink | undefined;
    let services: AppServices | undefined;
    try {
      web = await serveFolder(rendererDir);
      link = await NetworkLink.open(backend.url);
      services = await createAppServices({
        userDataPath,
        backendUrl: link.url,
        // Through the link the app reaches the backend: it sends that backend's key.
        backendKey: backend.key,
        logger: harnessLogger(),
        pushDebounceMs: options.pushDebounceMs ?? 10 * 60_000,
        ...(options.auth
          ? {
              loginUi: {
                signIn: ({ loginUrl, isDone }) =>
                  followSignIn(loginUrl, isDone, { loginHint: options.auth?.loginHint() }),
              },
            }
          : {}),
        requestTimeoutMs: 15_000,
      });
      if (options.settings) services.parts.settings.update(options.settings);
      const dispatch = createIpcDispatcher({
        handlers: services.handlers,
        isTrustedSender: createTrustedSenderCheck([web.origin]),
        logger: harnessLogger(),
      });
      await services.start();
      return new AppHarness(
        backend,
        link,
        new ServerClient(backend.url),
        services,
        dispatch,
        web,
        userDataPath,
      );
    } catch (error) {
      await services?.close();
      await link?.close();
      await web?.close();
      await backend.stop();
      rmSync(userDataPath, { recursive: true, force: true });
      throw error;
    }
  }

  get origin(): string {
    return this.web.origin;
  }

  /** A new browser context with the app loaded and window.todoSync wired to this harness. */
  async openApp(browser: Browser, options: OpenAppOptions = {}): Promise<AppPage> {
    const { preloadScript } = builtPaths();
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 960, height: 720 },
      colorScheme: options.colorScheme ?? 'light',
      // No entrance animations: actions do not wait for elements to settle, screenshots are crisp.
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
    await context.exposeBinding('__todoSyncInvoke', (source, channel: unknown, payload: unknown) =>
      this.dispatch(
        // What the shell reads off event.senderFrame: the calling frame's URL and whether it is the top one.
        { url: source.frame.url(), isMainFrame: source.frame.parentFrame() === null },
        String(channel),
        payload,
      ),
    );
    await context.addInitScript({ path: preloadScript });
    const page = await context.newPage();

    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));

    // Events are delivered in order, one evaluate after the other, like IPC messages.
    let queue = Promise.resolve();
    const emitter: PageEmitter = {
      emit: (channel, payload) => {
        queue = queue.then(() =>
          page
            .evaluate(
              ([name, value]) => {
                const target = globalThis as unknown as { __todoSyncEmit?: (c: string, p: unknown) => void };
                target.__todoSyncEmit?.(name, value);
              },
              [channel, payload] as const,
            )
            .catch(() => undefined),
        );
        return queue;
      },
    };
    this.emitters.add(emitter);

    const appPage: AppPage = {
      page,
      context,
      problems,
      close: async () => {
        this.emitters.delete(emitter);
        this.openPages.delete(appPage);
        await context.close();
      },
    };
    this.openPages.add(appPage);
    await page.goto(`${this.origin}/index.html`);
    return appPage;
  }

  private broadcast<E extends IpcEvent>(channel: E, payload: IpcEvents[E]): void {
    for (const emitter of this.emitters) void emitter.emit(channel, payload);
  }

  async close(): Promise<void> {
    for (const appPage of [...this.openPages]) await appPage.close().catch(() => undefined);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.services.close();
    await this.link.close();
    await this.web.close();
    await this.backend.stop();
    rmSync(this.userDataPath, { recursive: true, force: true });
  }
}

/**
 * Starts a harness for the current spec file; the returned getter is valid inside tests.
 * Tests in the file share the server and the user-data folder, so the file runs serially.
 */
export function useAppHarness(options: AppHarnessOptions = {}): () => AppHarness {
  let harness: AppHarness | undefined;
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    harness = await AppHarness.start(options);
  });
  test.afterAll(async () => {
    await harness?.close();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('The harness has not started (use it inside a test)');
    return harness;
  };
}
