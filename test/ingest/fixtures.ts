import { DuckDBInstance } from '@duckdb/node-api';
import sharp from 'sharp';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { CLASS_PRESETS } from '../../lib/ingest/plan.js';

/** The first n real Fashion-MNIST test images written as an IDX pair (uncompressed). */
export async function fashionIdxSubset(n: number): Promise<{ images: string; labels: string }> {
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.testImages, fm.testLabels);
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-fm-idx-'));
  const header = (magic: number, dims: number[]) =>
    Buffer.from(new Uint32Array([magic, ...dims]).buffer).swap32();
  const images = join(dir, 'sub-images-idx3-ubyte');
  const labels = join(dir, 'sub-labels-idx1-ubyte');
  writeFileSync(
    images,
    Buffer.concat([header(0x803, [n, 28, 28]), ...Array.from({ length: n }, (_, i) => idx.image(i))]),
  );
  writeFileSync(
    labels,
    Buffer.concat([header(0x801, [n]), Buffer.from(Array.from({ length: n }, (_, i) => idx.label(i)))]),
  );
  return { images, labels };
}

/** The first n real Fashion-MNIST test images exported as PNG files in class folders (ImageFolder). */
export async function fashionPngFolder(n: number, offset = 0): Promise<string> {
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.testImages, fm.testLabels);
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-fm-png-'));
  for (let i = offset; i < offset + n; i++) {
    const cls = CLASS_PRESETS['fashion-mnist']![idx.label(i)]!.replace('/', '-');
    mkdirSync(join(dir, cls), { recursive: true });
    writeFileSync(
      join(dir, cls, `${i}.png`),
      await sharp(idx.image(i), { raw: { width: 28, height: 28, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
    );
  }
  return dir;
}

/** Runs one query over Parquet files and returns the rows as JS values. */
export async function queryParquet(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
