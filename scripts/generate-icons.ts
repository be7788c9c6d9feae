/**
 * Renders the one icon source, build/icon.svg, into every file the installers need:
 *
 *   npm run icons [-- --source build/icon.svg --out build]
 *
 * - <out>/icons/<n>x<n>.png for n in ICON_SIZES: the Linux icon set (hicolor theme sizes);
 * - <out>/icon.png (1024): the fallback electron-builder and the window use;
 * - <out>/icon.ico: Windows exe, installer and shortcuts;
 * - <out>/icon.icns: the macOS app bundle and dmg;
 * - <out>/icons/manifest.json: the source's SHA-256, so a test can tell when the committed
 *   files no longer match build/icon.svg.
 *
 * Every size is rendered from the vector source rather than scaled down from the largest PNG,
 * so small sizes stay sharp. resvg ships prebuilt per-platform binaries as npm optional
 * packages, so this works offline. The ICO and ICNS containers are written here: both are a
 * directory of images and need no image processing beyond what resvg already did.
 * Output is byte-for-byte deterministic for a given source and resvg version.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Resvg } from '@resvg/resvg-js';

const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
/** Windows picks the closest entry per context (title bar 16, taskbar 24/32, Explorer up to 256). */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/**
 * ICNS entry types holding PNG data, by pixel size. The @2x types repeat a size for Retina;
 * macOS picks the entry by type, so a size can appear twice under different types.
 */
const ICNS_ENTRIES: ReadonlyArray<readonly [type: string, size: number]> = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

interface RenderedIcon {
  size: number;
  png: Buffer;
  /** Premultiplied RGBA rows, top to bottom, as resvg renders them. */
  premultipliedRgba: Buffer;
}

class IconGenerationError extends Error {
  override name = 'IconGenerationError';
}

function render(svg: Buffer, size: number): RenderedIcon {
  // System fonts are irrelevant (the source has no text) and loading them is slow and
  // machine-dependent, which would make the output depend on the machine.
  const image = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
    logLevel: 'error',
  }).render();
  if (image.width !== size || image.height !== size) {
    throw new IconGenerationError(
      `The icon source must be square: rendering at ${size}px gave ${image.width}x${image.height}.`,
    );
  }
  return { size, png: image.asPng(), premultipliedRgba: Buffer.from(image.pixels) };
}

/**
 * A 32-bit DIB as ICO stores it: BITMAPINFOHEADER with a doubled height (colour rows then the
 * 1-bit AND mask), rows bottom-up, BGRA with straight alpha. Used below 256px because some
 * older Windows components and NSIS tooling only read uncompressed entries at small sizes.
 */
function icoBitmap(icon: RenderedIcon): Buffer {
  const { size, premultipliedRgba } = icon;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(0, 16); // BI_RGB
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    const sourceRow = size - 1 - row;
    for (let column = 0; column < size; column++) {
      const from = (sourceRow * size + column) * 4;
      const to = (row * size + column) * 4;
      const alpha = premultipliedRgba[from + 3] ?? 0;
      const unpremultiply = (value: number): number =>
        alpha === 0 ? 0 : Math.min(255, Math.round((value * 255) / alpha));
      pixels[to] = unpremultiply(premultipliedRgba[from + 2] ?? 0);
      pixels[to + 1] = unpremultiply(premultipliedRgba[from + 1] ?? 0);
      pixels[to + 2] = unpremultiply(premultipliedRgba[from] ?? 0);
      pixels[to + 3] = alpha;
    }
  }
  // All-zero AND mask: transparency comes from the alpha channel. Rows pad to 32 bits.
  const maskRowBytes = Math.ceil(size / 32) * 4;
  const mask = Buffer.alloc(maskRowBytes * size);
  return Buffer.concat([header, pixels, mask]);
}

function encodeIco(icons: readonly RenderedIcon[]): Buffer {
  const entries = icons.map((icon) => ({
    size: icon.size,
    image: icon.size >= 256 ? icon.png : icoBitmap(icon),
  }));
  const directory = Buffer.alloc(6 + 16 * entries.length);
  directory.writeUInt16LE(0, 0);
  directory.writeUInt16LE(1, 2); // 1 = icon (2 would be cursor)
  directory.writeUInt16LE(entries.length, 4);
  let offset = directory.length;
  entries.forEach(({ size, image }, index) => {
    const entry = 6 + index * 16;
    directory.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    directory.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    directory.writeUInt8(0, entry + 2); // no palette
    directory.writeUInt8(0, entry + 3);
    directory.writeUInt16LE(1, entry + 4); // colour planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(image.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += image.length;
  });
  return Buffer.concat([directory, ...entries.map(({ image }) => image)]);
}

function encodeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const entries = ICNS_ENTRIES.map(([type, size]) => {
    const png = pngBySize.get(size);
    if (png === undefined) throw new IconGenerationError(`No ${size}px rendering for ICNS entry ${type}.`);
    const header = Buffer.alloc(8);
    header.write(type, 0, 'ascii');
    header.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([header, png]);
  });
  const body = Buffer.concat(entries);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([header, body]);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function generateIcons(sourceFile: string, outDir: string): string[] {
  const svg = readFileSync(sourceFile);
  const rendered = new Map<number, RenderedIcon>();
  for (const size of ICON_SIZES) rendered.set(size, render(svg, size));
  const pick = (size: number): RenderedIcon => {
    const icon = rendered.get(size);
    if (icon === undefined) throw new IconGenerationError(`No ${size}px rendering.`);
    return icon;
  };

  const outputs = new Map<string, Buffer>();
  for (const size of ICON_SIZES) outputs.set(path.join('icons', `${size}x${size}.png`), pick(size).png);
  outputs.set('icon.png', pick(1024).png);
  outputs.set('icon.ico', encodeIco(ICO_SIZES.map(pick)));
  outputs.set('icon.icns', encodeIcns(new Map([...rendered].map(([size, icon]) => [size, icon.png]))));

  const manifest = {
    source: path.basename(sourceFile),
    sourceSha256: sha256(svg),
    generatedBy: 'scripts/generate-icons.ts',
    files: Object.fromEntries(
      [...outputs].map(([file, data]) => [file.split(path.sep).join('/'), sha256(data)]),
    ),
  };
  outputs.set(path.join('icons', 'manifest.json'), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));

  // Written only once everything rendered, so a bad source leaves the committed icons as they were.
  mkdirSync(path.join(outDir, 'icons'), { recursive: true });
  for (const [file, data] of outputs) writeFileSync(path.join(outDir, file), data);
  return [...outputs.keys()];
}

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: path.join('build', 'icon.svg') },
    out: { type: 'string', default: 'build' },
  },
});

try {
  const written = generateIcons(path.resolve(values.source), path.resolve(values.out));
  console.log(`Wrote ${written.length} icon files to ${values.out} from ${values.source}.`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Icon generation failed: ${message}`);
  process.exit(1);
}
