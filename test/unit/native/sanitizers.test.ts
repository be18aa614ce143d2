import sharp from 'sharp';
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../../lib/idx/index.js';
import { buildAddon, CODEC_ADDON, GEMM_ADDON, type NativeAddon } from '../../../lib/native/addons.js';
import { oxygenIcons } from '../../fixtures/color-images.js';
import { grayPng, pngBomb } from '../../fixtures/hostile-images.js';
import { reliability } from '../../reliability/tally.js';

// Both addons built exactly as lib/native/addons.ts builds them, plus the sanitizers, and driven
// in a child node with the ASan runtime preloaded (node itself is not built with it).
const SANITIZE = [
  '-fsanitize=address,undefined',
  '-fno-omit-frame-pointer',
  '-fno-sanitize-recover=undefined',
  '-g',
];
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/native/${name}`, import.meta.url));
const sanitized = (addon: NativeAddon): NativeAddon => ({ ...addon, flags: [...addon.flags, ...SANITIZE] });
const OVERFLOW: NativeAddon = {
  name: 'overflow',
  source: fixture('overflow.c'),
  flags: ['-O1'],
  libs: [],
  needs: 'cc',
};

/** The ASan runtime of the compiler build.ts uses, or why the sanitizer builds cannot run here. */
function asanRuntime(): { path: string } | { reason: string } {
  const cc = process.env.CC || 'cc';
  try {
    const path = execFileSync(cc, ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
    return isAbsolute(path) && existsSync(path) ? { path } : { reason: `${cc} has no libasan.so` };
  } catch {
    return { reason: `no C compiler (${cc})` };
  }
}

const HEADER_DIRS = ['/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu'];
const hasHeader = (name: string) => HEADER_DIRS.some((dir) => existsSync(join(dir, name)));
const runtime = asanRuntime();
const asan = 'path' in runtime ? runtime.path : '';
const skip =
  'reason' in runtime
    ? runtime.reason
    : !hasHeader('libdeflate.h')
      ? 'libdeflate-dev is not installed'
      : !hasHeader('cblas.h')
        ? 'libopenblas-dev is not installed'
        : undefined;
if (skip) console.warn(`sanitizer tests skipped: ${skip}`);

const work = mkdtempSync(join(tmpdir(), 'imagelake-sanitize-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the script under the sanitizers; its exit code and what it printed. */
function sanitizedNode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        env: {
          ...process.env,
          LD_PRELOAD: asan,
          ASAN_OPTIONS: 'detect_leaks=0',
          UBSAN_OPTIONS: 'print_stacktrace=1',
        },
        maxBuffer: 64 << 20,
        timeout: 240_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const REPORT = /ERROR: AddressSanitizer|runtime error:/;

/** Real PNGs, hostile ones, and raw deflate blocks as an Avro file holds them, written to `dir`. */
async function writeCorpus(dir: string): Promise<number> {
  for (const sub of ['png', 'deflate', 'other']) mkdirSync(join(dir, sub));
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.testImages, fm.testLabels);
  const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
  const pngs: Buffer[] = [];
  for (let i = 0; i < 3; i++) pngs.push(await sharp(idx.image(i), raw).png().toBuffer());
  pngs.push(await sharp(idx.image(3), raw).png({ adaptiveFiltering: true, compressionLevel: 0 }).toBuffer());
  pngs.push(await sharp(idx.image(4), raw).toColourspace('srgb').png().toBuffer()); // gray as RGB
  pngs.push(await sharp(idx.image(5), raw).ensureAlpha().png().toBuffer()); // gray + alpha
  for (const icon of oxygenIcons({ size: 16, perCategory: 1 }).slice(0, 4))
    pngs.push(readFileSync(icon.path));
  pngs.push(pngBomb(), grayPng(65535, 65535, Buffer.alloc(30)), grayPng(3, 2, Buffer.alloc(5)));
  pngs.forEach((png, i) => writeFileSync(join(dir, 'png', `${i}.png`), png));
  const blocks = [
    Buffer.concat(Array.from({ length: 50 }, (_, i) => idx.image(i))),
    Buffer.from('imagelake avro block '.repeat(400)),
  ];
  blocks.forEach((block, i) =>
    writeFileSync(join(dir, 'deflate', `${i}.bin`), deflateRawSync(block, { level: 6 })),
  );
  const avro = fileURLToPath(new URL('../../fixtures/avro/', import.meta.url));
  for (const name of readdirSync(avro).filter((f) => f.endsWith('.avro')))
    writeFileSync(join(dir, 'other', name), readFileSync(join(avro, name)));
  return pngs.length + blocks.length;
}

describe.skipIf(skip !== undefined)('native addons under AddressSanitizer and UBSan', () => {
  it('catches a deliberate heap overflow built the same way', async () => {
    const overflow = await buildAddon(sanitized(OVERFLOW), work);
    const script = `require(${JSON.stringify(overflow)}).overflow(8); console.log('in bounds'); require(${JSON.stringify(overflow)}).overflow(9);`;
    const { code, stdout, stderr } = await sanitizedNode(['-e', script]);
    expect(stdout).toContain('in bounds');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(REPORT);
    expect(stderr).toContain('overflow.c');
  });

  it('runs both addons over real, hostile and mutated inputs without a report', async () => {
    const corpus = join(work, 'corpus');
    mkdirSync(corpus);
    const inputs = await writeCorpus(corpus);
    reliability('bad-input', inputs);
    const [codec, gemm] = await Promise.all([
      buildAddon(sanitized(CODEC_ADDON), work),
      buildAddon(sanitized(GEMM_ADDON), work),
    ]);
    const { code, stdout, stderr } = await sanitizedNode([fixture('drive-addons.mjs'), codec, gemm, corpus]);
    expect(stderr).not.toMatch(REPORT);
    expect(code, stderr.slice(0, 2000)).toBe(0);
    const counts = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(counts.png).toBeGreaterThan(3000);
    expect(counts.decoded).toBeGreaterThan(6); // the real gray ones decode: the decoder was exercised
    expect(counts.gemm).toBeGreaterThan(800);
    expect(counts.momentum).toBe(18);
    expect(counts.deflate).toBe(16);
  });
});
