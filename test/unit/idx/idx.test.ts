import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../../lib/idx/index.js';

const header = (magic: number, ...dims: number[]) => {
  const b = Buffer.alloc(4 + dims.length * 4);
  b.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + i * 4));
  return b;
};
const dir = mkdtempSync(join(tmpdir(), 'imagelake-idx-'));
const file = (name: string, ...parts: Buffer[]) => {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
};

describe('IDX reader', () => {
  it('reads the real Fashion-MNIST test set (gzipped)', async () => {
    const fm = findFashionMnist();
    const idx = await openIdxPair(fm.testImages, fm.testLabels);
    expect([idx.count, idx.rows, idx.cols]).toEqual([10000, 28, 28]);
    expect(idx.label(0)).toBe(9); // Ankle boot
    expect(idx.image(0).length).toBe(784);
  });

  it.each([
    [
      'truncated images',
      () => [file('a', header(0x803, 3, 2, 2), Buffer.alloc(11)), null],
      /truncated: header says 3 images of 2x2, file has room for 2/,
    ],
    [
      'wrong magic',
      () => [file('b', header(0x801, 3), Buffer.alloc(3)), null],
      /is not an IDX images file \(magic 0x00000801/,
    ],
    [
      'label count mismatch',
      () => [
        file('c', header(0x803, 2, 1, 1), Buffer.alloc(2)),
        file('c-l', header(0x801, 3), Buffer.alloc(3)),
      ],
      /has 3 labels but .* has 2 images/,
    ],
    [
      'not gzip after all',
      () => [file('d.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8])), null],
      /not a valid gzip file/,
    ],
    ['missing file', () => [join(dir, 'nope'), null], /cannot read .*nope: ENOENT/],
  ])('%s gives a clear error', async (_name, make, message) => {
    const [images, labels] = make() as [string, string | null];
    await expect(openIdxPair(images, labels)).rejects.toThrow(message);
  });

  it('says what to do when no Fashion-MNIST files are found', () => {
    expect(() => findFashionMnist({ IMAGELAKE_DATASET_DIR: dir }, join(dir, 'none'))).toThrow(
      /^dataset: no Fashion-MNIST IDX files found in .* install the Debian package dataset-fashion-mnist .* or set IMAGELAKE_DATASET_DIR$/,
    );
    expect(findFashionMnist({ IMAGELAKE_DATASET_DIR: dir }).dir).toBe('/usr/share/datasets/fashion-mnist'); // falls back to the package
  });
});
