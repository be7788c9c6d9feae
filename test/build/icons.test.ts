/**
 * The icon files electron-builder packs are generated from build/icon.svg by
 * `npm run icons` (scripts/generate-icons.ts). These tests read the committed files with
 * parsers written here, independent of the generator, and run the generator itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runScript } from './run-script';

const buildDir = path.join(repoRoot, 'build');
const LINUX_SET_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

function readPngHeader(data: Buffer): PngHeader {
  expect(data.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  expect(data.toString('latin1', 12, 16), 'first chunk').toBe('IHDR');
  return {
    width: data.readUInt32BE(16),
    height: data.readUInt32BE(20),
    bitDepth: data.readUInt8(24),
    colourType: data.readUInt8(25),
  };
}

function expectRgbaPng(data: Buffer, size: number): void {
  // Colour type 6 = RGBA: the rounded corners need transparency.
  expect(readPngHeader(data)).toEqual({ width: size, height: size, bitDepth: 8, colourType: 6 });
}

interface IcoEntry {
  size: number;
  bitsPerPixel: number;
  image: Buffer;
}

function readIco(data: Buffer): IcoEntry[] {
  expect(data.readUInt16LE(0), 'reserved').toBe(0);
  expect(data.readUInt16LE(2), 'type 1 = icon').toBe(1);
  const count = data.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = 6 + index * 16;
    const width = data.readUInt8(at) || 256;
    const height = data.readUInt8(at + 1) || 256;
    expect(height).toBe(width);
    const length = data.readUInt32LE(at + 8);
    const offset = data.readUInt32LE(at + 12);
    expect(offset + length).toBeLessThanOrEqual(data.length);
    entries.push({
      size: width,
      bitsPerPixel: data.readUInt16LE(at + 6),
      image: data.subarray(offset, offset + length),
    });
  }
  return entries;
}

function expectIcoImage(entry: IcoEntry): void {
  if (entry.image.subarray(0, 8).equals(PNG_SIGNATURE)) {
    expectRgbaPng(entry.image, entry.size);
    return;
  }
  // BITMAPINFOHEADER: the height counts the colour rows and the AND mask rows.
  expect(entry.image.readUInt32LE(0)).toBe(40);
  expect(entry.image.readInt32LE(4)).toBe(entry.size);
  expect(entry.image.readInt32LE(8)).toBe(entry.size * 2);
  expect(entry.image.readUInt16LE(14)).toBe(32);
  const maskRowBytes = Math.ceil(entry.size / 32) * 4;
  expect(entry.image.length).toBe(40 + entry.size * entry.size * 4 + maskRowBytes * entry.size);
}

function readIcns(data: Buffer): Map<string, Buffer> {
  expect(data.toString('latin1', 0, 4)).toBe('icns');
  expect(data.readUInt32BE(4), 'declared length').toBe(data.length);
  const entries = new Map<string, Buffer>();
  let at = 8;
  while (at < data.length) {
    const type = data.toString('latin1', at, at + 4);
    const length = data.readUInt32BE(at + 4);
    expect(length).toBeGreaterThan(8);
    expect(at + length).toBeLessThanOrEqual(data.length);
    entries.set(type, data.subarray(at + 8, at + length));
    at += length;
  }
  return entries;
}

/** ICNS PNG entry types and the pixel size each must hold. */
const ICNS_TYPES: Record<string, number> = {
  icp4: 16,
  icp5: 32,
  ic11: 32,
  icp6: 64,
  ic12: 64,
  ic07: 128,
  ic08: 256,
  ic13: 256,
  ic09: 512,
  ic14: 512,
  ic10: 1024,
};

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function expectValidIconSet(dir: string): void {
  for (const size of LINUX_SET_SIZES) {
    expectRgbaPng(readFileSync(path.join(dir, 'icons', `${size}x${size}.png`)), size);
  }
  expectRgbaPng(readFileSync(path.join(dir, 'icon.png')), 1024);

  const ico = readIco(readFileSync(path.join(dir, 'icon.ico')));
  expect(ico.map((entry) => entry.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
  for (const entry of ico) {
    expect(entry.bitsPerPixel).toBe(32);
    expectIcoImage(entry);
  }

  const icns = readIcns(readFileSync(path.join(dir, 'icon.icns')));
  expect([...icns.keys()].sort()).toEqual(Object.keys(ICNS_TYPES).sort());
  for (const [type, image] of icns) expectRgbaPng(image, ICNS_TYPES[type] ?? -1);
}

describe('committed icons (inputs to electron-builder)', () => {
  it('every size and format the targets need exists with the right dimensions', () => {
    expectValidIconSet(buildDir);
  });

  it('are the rendering of the current build/icon.svg (run `npm run icons` after editing it)', () => {
    const manifest: unknown = JSON.parse(readFileSync(path.join(buildDir, 'icons', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      source: 'icon.svg',
      sourceSha256: sha256(readFileSync(path.join(buildDir, 'icon.svg'))),
    });
    const files = (manifest as { files: Record<string, string> }).files;
    expect(Object.keys(files).length).toBe(LINUX_SET_SIZES.length + 3);
    for (const [file, digest] of Object.entries(files)) {
      expect(sha256(readFileSync(path.join(buildDir, file))), file).toBe(digest);
    }
  });

  it('the .ico reaches 256px, which electron-builder requires for Windows', () => {
    const largest = Math.max(
      ...readIco(readFileSync(path.join(buildDir, 'icon.ico'))).map((entry) => entry.size),
    );
    expect(largest).toBeGreaterThanOrEqual(256);
  });
});

describe('npm run icons (scripts/generate-icons.ts)', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = mkdtempSync(path.join(tmpdir(), 'todo-sync-icons-'));
    second = mkdtempSync(path.join(tmpdir(), 'todo-sync-icons-'));
    const runs = await Promise.all([
      runScript('scripts/generate-icons.ts', ['--out', first]),
      runScript('scripts/generate-icons.ts', ['--out', second]),
    ]);
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
  });

  afterAll(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  it('writes a complete, valid icon set', () => {
    expectValidIconSet(first);
  });

  it('is deterministic: two runs give byte-identical files', () => {
    const list = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((entry) => entry.includes('.'))
        .sort();
    expect(list(first)).toEqual(list(second));
    for (const file of list(first)) {
      expect(sha256(readFileSync(path.join(first, file))), file).toBe(
        sha256(readFileSync(path.join(second, file))),
      );
    }
  });

  it('refuses a non-square source with a clear message and writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'todo-sync-icons-bad-'));
    try {
      const source = path.join(dir, 'wide.svg');
      writeFileSync(
        source,
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100"/></svg>',
      );
      const out = path.join(dir, 'out');
      const run = await runScript('scripts/generate-icons.ts', ['--source', source, '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/must be square/);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
