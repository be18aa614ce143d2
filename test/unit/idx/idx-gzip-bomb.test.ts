import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readIdxFile } from '../../../lib/idx/index.js';
import { idxHeader as header, peakRssGrowth, writeGzipBomb } from '../../fixtures/idx-bomb.js';
import { reliability } from '../../reliability/tally.js';
import { dir, rawFile } from './idx-files.js';

const IMAGES = 0x803;
const MiB = 2 ** 20;

describe('gzipped IDX files are inflated no further than their header declares', () => {
  it('refuses a gzip bomb behind a small honest header in bounded memory', async () => {
    reliability('bad-input');
    // 10 images of 28x28 declared, then 512 MiB of zeros: about 500 KB of gzip.
    const bomb = await writeGzipBomb(
      join(dir, 'bomb-images-idx3-ubyte.gz'),
      header(IMAGES, [10, 28, 28]),
      512 * MiB,
    );
    let refusal: unknown;
    const growth = await peakRssGrowth(() =>
      readIdxFile(bomb, 'images').catch((e: unknown) => (refusal = e)),
    );
    expect(growth).toBeLessThan(64 * MiB);
    expect(String(refusal)).toMatch(
      /^UserError: idx: .*bomb-images-idx3-ubyte.gz inflates past the 10 images of 28x28 its header declares \(7856 bytes\): refused without inflating the rest$/,
    );
  });

  it('refuses a header that declares more than its gzip can hold, before inflating', async () => {
    reliability('bad-input');
    const path = rawFile('liar-images-idx3-ubyte.gz', gzipSync(header(IMAGES, [4_000_000, 28, 28])));
    await expect(readIdxFile(path, 'images')).rejects.toThrow(
      /^idx: .*liar-images-idx3-ubyte.gz is truncated: header says 4000000 images of 28x28 \(3136000016 bytes\), more than its \d+ bytes of gzip can inflate to$/,
    );
  });

  it.each([
    [
      'a gzip that ends inside the header',
      Buffer.from([0, 0, 8, 3, 0, 0]),
      /is truncated inside its header \(6 bytes\)$/,
    ],
    ['a gzip of the wrong magic', header(0x801, [3]), /is not an IDX images file \(magic 0x00000801/],
    [
      'a gzip cut short of its data',
      Buffer.concat([header(IMAGES, [3, 2, 2]), Buffer.alloc(11)]),
      /is truncated: header says 3 images of 2x2, file has room for 2$/,
    ],
    [
      'a gzip one byte longer than declared',
      Buffer.concat([header(IMAGES, [3, 2, 2]), Buffer.alloc(13)]),
      /inflates past the 3 images of 2x2 its header declares \(28 bytes\)/,
    ],
  ])('refuses %s', async (name, content, message) => {
    reliability('bad-input');
    const path = rawFile(`${name.replaceAll(' ', '-')}.gz`, gzipSync(content));
    await expect(readIdxFile(path, 'images')).rejects.toThrow(message);
  });

  it('reads an honest gzipped file whose data spans many inflate steps', async () => {
    const pixels = Buffer.alloc(3 * 1000 * 1000);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 0xff;
    const path = rawFile(
      'big-images-idx3-ubyte.gz',
      gzipSync(Buffer.concat([header(IMAGES, [3, 1000, 1000]), pixels])),
    );
    const file = await readIdxFile(path, 'images');
    expect(file.dims).toEqual([3, 1000, 1000]);
    expect(file.data.equals(pixels)).toBe(true);
  });
});
