/**
 * electron-builder.yml, checked offline the way `electron-builder` checks it before a build:
 * Packager.validateConfig() loads the file, merges any command-line config, checks package.json
 * metadata and validates the result against electron-builder's own JSON schema (scheme.json in
 * app-builder-lib). Then the packaging decisions the installers depend on are asserted one by one.
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { LinuxPackager, Packager, type Configuration, type Metadata } from 'electron-builder';
// electron-builder's own command-line parsing, so the arguments scripts/dist.ts passes are read
// exactly as the real CLI reads them.
import { configureBuildCommand, createYargs, normalizeOptions } from 'electron-builder/out/builder';
import { describe, expect, it } from 'vitest';
import { repoRoot, runScript } from './run-script';

interface Validated {
  config: Configuration;
  metadata: Metadata;
}

async function validate(projectDir: string, cliConfig?: Configuration): Promise<Validated> {
  const packager = new Packager({ projectDir, config: cliConfig });
  await packager.validateConfig();
  return { config: packager.config, metadata: packager.metadata };
}

/** A copy of the project's package.json and electron-builder.yml, with the yml edited. */
async function validateEdited(edit: (yml: string) => string): Promise<Validated> {
  const dir = mkdtempSync(path.join(tmpdir(), 'todo-sync-builder-'));
  try {
    copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(
      path.join(dir, 'electron-builder.yml'),
      edit(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')),
    );
    return await validate(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TargetEntry {
  target: string;
  arch: string[];
}

function targetsOf(platform: { target?: unknown } | null | undefined): TargetEntry[] {
  const targets = platform?.target;
  expect(Array.isArray(targets), 'targets are listed explicitly').toBe(true);
  return (targets as unknown[]).map((entry) => {
    expect(entry).toMatchObject({ target: expect.any(String), arch: expect.any(Array) });
    return entry as TargetEntry;
  });
}

/** Resolves a resource path the way electron-builder does: build resources first, then the project. */
function resource(config: Configuration, file: string): string {
  const inBuildResources = path.join(repoRoot, config.directories?.buildResources ?? 'build', file);
  return existsSync(inBuildResources) ? inBuildResources : path.join(repoRoot, file);
}

function filePatterns(config: Configuration): string[] {
  const sets = config.files as { filter?: string[] }[];
  return sets.flatMap((set) => set.filter ?? []);
}

const matches = (file: string, patterns: readonly string[]): boolean =>
  patterns.some((pattern) => path.matchesGlob(file, pattern));

describe("electron-builder's own validation", () => {
  it('accepts electron-builder.yml with the project package.json', async () => {
    const { config } = await validate(repoRoot);
    expect(config.appId).toBeTruthy();
  });

  it('rejects an unknown top-level key, so this check can fail', async () => {
    await expect(validateEdited((yml) => `${yml}\nsurpriseOption: true\n`)).rejects.toThrow(
      /unknown property 'surpriseOption'/,
    );
  });

  it('rejects a wrongly typed option', async () => {
    await expect(
      validateEdited((yml) => yml.replace('oneClick: false', 'oneClick: sometimes')),
    ).rejects.toThrow(/nsis\.oneClick should be a boolean/);
  });
});

describe('packaging decisions', async () => {
  const { config, metadata } = await validate(repoRoot);

  it('names the app: appId, productName (also the userData folder name), copyright', () => {
    expect(config.appId).toBe('app.todosync.TodoSync');
    expect(config.productName).toBe('Todo Sync');
    // Electron names the userData folder after package.json productName: keep them equal.
    expect(metadata.productName).toBe(config.productName);
    expect(config.copyright).toMatch(/^Copyright © \d{4} Todo Sync team$/);
    expect(config.directories).toMatchObject({ buildResources: 'build', output: 'release' });
  });

  it('packs only the build output and package.json (production node_modules are added by electron-builder)', () => {
    const patterns = filePatterns(config);
    const included = patterns.filter((pattern) => !pattern.startsWith('!'));
    expect(included.sort()).toEqual(['out/**/*', 'package.json']);
    for (const source of [
      'main/index.ts',
      'renderer/index.html',
      'test/build/icons.test.ts',
      'scripts/dist.ts',
      'build/icon.svg',
    ]) {
      expect(matches(source, included), source).toBe(false);
    }
    expect(matches('out/main/index.js', included)).toBe(true);
    const excluded = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    expect(matches('out/main/index.js.map', excluded)).toBe(true);
    expect(matches('out/main/index.js', excluded)).toBe(false);
  });

  it('keeps asar on with the better-sqlite3 addon unpacked, and does not exclude it', () => {
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack;
    expect(Array.isArray(unpack) && matches(addon, unpack)).toBe(true);
    const excluded = filePatterns(config)
      .filter((pattern) => pattern.startsWith('!'))
      .map((pattern) => pattern.slice(1));
    expect(matches(addon, excluded)).toBe(false);
    expect(matches('node_modules/better-sqlite3/lib/database.js', excluded)).toBe(false);
    expect(matches('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c', excluded)).toBe(true);
  });

  it('Windows: one NSIS installer for x64 and arm64, per user, directory choice, optional desktop shortcut, data kept', () => {
    expect(targetsOf(config.win)).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowElevation: false,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      deleteAppDataOnUninstall: false,
    });
    expect(readFileSync(resource(config, String(config.win?.icon))).readUInt16LE(2)).toBe(1);
  });

  it('macOS: dmg and zip for x64 and arm64, hardened runtime with its entitlements, productivity category', () => {
    const mac = config.mac;
    expect(targetsOf(mac)).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(mac?.hardenedRuntime).toBe(true);
    expect(mac?.category).toBe('public.app-category.productivity');
    // Notarization runs when the APPLE_* variables are present; false would turn it off for good.
    expect(mac?.notarize).not.toBe(false);
    for (const file of [mac?.entitlements, mac?.entitlementsInherit]) {
      expect(typeof file).toBe('string');
      const plist = readFileSync(path.join(repoRoot, String(file)), 'utf8');
      for (const key of ['allow-jit', 'allow-unsigned-executable-memory', 'disable-library-validation']) {
        expect(plist, `${String(file)} ${key}`).toMatch(
          new RegExp(`<key>com\\.apple\\.security\\.cs\\.${key}</key>\\s*<true/>`),
        );
      }
    }
    expect(readFileSync(resource(config, String(mac?.icon))).toString('latin1', 0, 4)).toBe('icns');
  });

  it('Linux: AppImage, deb and rpm with a desktop entry, category, icon set and maintainer', () => {
    const linux = config.linux;
    expect(targetsOf(linux).map((entry) => entry.target)).toEqual(['AppImage', 'deb', 'rpm']);
    expect(linux?.category).toBe('Office');
    expect(linux?.executableName).toBe('todo-sync');
    expect(linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(linux?.synopsis).toBeTruthy();
    expect(metadata.description).toBeTruthy();

    const entry = linux?.desktop?.entry as Record<string, string> | undefined;
    expect(entry?.Name).toBe('Todo Sync');
    // Electron uses package.json desktopName as WM_CLASS / app_id; the entry must match it.
    expect(linux?.syncDesktopName).toBe(true);
    expect(`${entry?.StartupWMClass}.desktop`).toBe((metadata as { desktopName?: string }).desktopName);

    const iconDir = path.join(repoRoot, String(linux?.icon));
    expect(statSync(iconDir).isDirectory()).toBe(true);
    const sizes = readdirSync(iconDir)
      .map((name) => /^(\d+)x\1\.png$/.exec(name)?.[1])
      .filter((size) => size !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
  });

  it('publishes no update feed unless one is configured', () => {
    expect(config.publish).toBeNull();
  });

  it('a plain build does not force code signing (local and CI builds stay unsigned)', () => {
    expect(config.forceCodeSigning ?? false).toBe(false);
  });
});

/** A fuse's state in the wire: ASCII '1' and '0' (@electron/fuses does not export its FuseState). */
const FuseState = { ENABLE: 0x31, DISABLE: 0x30 } as const;
/** Electron's fuse wire as shipped (before any flip): the sentinel, version 1, 8 fuses. */
const SHIPPED_FUSES = [
  FuseState.ENABLE, // RunAsNode
  FuseState.DISABLE, // EnableCookieEncryption
  FuseState.ENABLE, // EnableNodeOptionsEnvironmentVariable
  FuseState.ENABLE, // EnableNodeCliInspectArguments
  FuseState.DISABLE, // EnableEmbeddedAsarIntegrityValidation
  FuseState.DISABLE, // OnlyLoadAppFromAsar
  FuseState.DISABLE, // LoadBrowserProcessSpecificV8Snapshot
  FuseState.ENABLE, // GrantFileProtocolExtraPrivileges
];
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

describe('Electron fuses', async () => {
  const { config } = await validate(repoRoot);

  it('electron-builder.yml turns off Node entry points and file:// privileges, turns on asar integrity and cookie encryption', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("electron-builder's own packaging step flips them in the executable it names (read back like `@electron/fuses read`)", async () => {
    // The Linux packager names the executable and flips the fuses exactly as in a real build, on
    // a stand-in binary that carries Electron's fuse wire (Electron itself is not downloaded here).
    const packager = new Packager({ projectDir: repoRoot });
    await packager.validateConfig();
    const linux = new LinuxPackager(packager);
    const appOutDir = mkdtempSync(path.join(tmpdir(), 'todo-sync-fuses-'));
    try {
      const executable = path.join(appOutDir, linux.executableName);
      writeFileSync(
        executable,
        Buffer.concat([
          Buffer.from('ELF stand-in '),
          Buffer.from(FUSE_SENTINEL),
          Buffer.from([1, SHIPPED_FUSES.length, ...SHIPPED_FUSES]),
          Buffer.from(' rest of the binary'),
        ]),
      );
      // These two are protected members of electron-builder's PlatformPackager.
      const internals = linux as unknown as {
        generateFuseConfig(fuses: unknown): Promise<unknown>;
        addElectronFuses(
          context: { appOutDir: string; electronPlatformName: string },
          fuses: unknown,
        ): Promise<unknown>;
      };
      const fuses = await internals.generateFuseConfig(packager.config.electronFuses);
      await internals.addElectronFuses({ appOutDir, electronPlatformName: 'linux' }, fuses);

      const wire = (await getCurrentFuseWire(executable)) as unknown as Record<number, number>;
      const read = (option: FuseV1Options): string => (wire[option] === FuseState.ENABLE ? 'on' : 'off');
      expect({
        runAsNode: read(FuseV1Options.RunAsNode),
        cookieEncryption: read(FuseV1Options.EnableCookieEncryption),
        nodeOptions: read(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
        inspect: read(FuseV1Options.EnableNodeCliInspectArguments),
        asarIntegrity: read(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
        onlyAsar: read(FuseV1Options.OnlyLoadAppFromAsar),
        v8Snapshot: read(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot),
        fileProtocolPrivileges: read(FuseV1Options.GrantFileProtocolExtraPrivileges),
      }).toEqual({
        runAsNode: 'off',
        cookieEncryption: 'on',
        nodeOptions: 'off',
        inspect: 'off',
        asarIntegrity: 'on',
        onlyAsar: 'on',
        v8Snapshot: 'off',
        fileProtocolPrivileges: 'off',
      });
    } finally {
      rmSync(appOutDir, { recursive: true, force: true });
    }
  });
});

describe('npm run dist (scripts/dist.ts) and the update feed', () => {
  async function distArgs(
    env: Record<string, string>,
    extra: string[] = [],
  ): Promise<{ feedUrl: string | null; args: string[] }> {
    const run = await runScript('scripts/dist.ts', ['--dry-run', ...extra], { env });
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { feedUrl: string | null; electronBuilderArgs: string[] };
    return { feedUrl: printed.feedUrl, args: printed.electronBuilderArgs };
  }

  /** What electron-builder's CLI makes of the arguments, validated like a real build. */
  async function configFromCli(args: string[]): Promise<{ config: Configuration; publishPolicy: unknown }> {
    const options = normalizeOptions(configureBuildCommand(createYargs()).parseSync(args));
    const config = typeof options.config === 'object' && options.config !== null ? options.config : undefined;
    return { config: (await validate(repoRoot, config)).config, publishPolicy: options.publish };
  }

  it('without TODO_SYNC_UPDATE_URL: no feed, nothing uploaded', async () => {
    const { feedUrl, args } = await distArgs({}, ['--linux', 'AppImage']);
    expect(feedUrl).toBeNull();
    const { config, publishPolicy } = await configFromCli(args);
    expect(config.publish).toBeNull();
    expect(publishPolicy).toBe('never');
  });

  it('with TODO_SYNC_UPDATE_URL: a generic provider at that URL, still valid for electron-builder', async () => {
    const url = 'https://updates.example.com/todo-sync/stable/';
    const { feedUrl, args } = await distArgs({ TODO_SYNC_UPDATE_URL: url });
    expect(feedUrl).toBe(url);
    const { config, publishPolicy } = await configFromCli(args);
    expect(config.publish).toEqual({ provider: 'generic', url });
    expect(publishPolicy).toBe('never');
  });

  it('TODO_SYNC_RELEASE=1: electron-builder must sign (forceCodeSigning) and macOS keeps library validation on', async () => {
    const { args } = await distArgs({ TODO_SYNC_RELEASE: '1' }, ['--mac']);
    const { config } = await configFromCli(args);
    expect(config.forceCodeSigning).toBe(true);
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(file).toBe('build/entitlements.mac.release.plist');
      const plist = readFileSync(path.join(repoRoot, String(file)), 'utf8');
      expect(plist).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
      expect(plist).not.toMatch(/disable-library-validation<\/key>|allow-dyld-environment-variables<\/key>/);
    }
  });

  it('without TODO_SYNC_RELEASE: signing stays optional', async () => {
    const { args } = await distArgs({}, ['--mac']);
    const { config } = await configFromCli(args);
    expect(config.forceCodeSigning ?? false).toBe(false);
    expect(config.mac?.entitlements).toBe('build/entitlements.mac.plist');
  });

  it('refuses a TODO_SYNC_RELEASE that is neither 1 nor unset, before building anything', async () => {
    const run = await runScript('scripts/dist.ts', ['--dry-run'], { env: { TODO_SYNC_RELEASE: 'yes' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TODO_SYNC_RELEASE must be 1/);
    expect(run.stdout).toBe('');
  });

  it('refuses a feed that is not https before building anything', async () => {
    const run = await runScript('scripts/dist.ts', ['--dry-run'], {
      env: { TODO_SYNC_UPDATE_URL: 'http://updates.example.com/feed' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/must be an https:\/\/ URL/);
    expect(run.stdout).toBe('');
  });

  it('is what npm run dist runs', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.dist).toBe('tsx scripts/dist.ts');
  });
});
